using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using ResNetService.Onnx.Graph;

namespace ResNetService.Quantization;

/// <summary>
/// How ONNX Runtime runs a QDQ model: it is asked for the graph it optimized, and the convolutions counted as int8
/// (<c>QLinearConv</c>, in either the default or the <c>com.microsoft</c> NHWC form) or still fp32 (<c>Conv</c>).
/// </summary>
public sealed record FusionReport(int Int8Convolutions, int FloatConvolutions, int Int8Additions, int Int8Gemms)
{
    public static FusionReport Of(Onnx.Protos.ModelProto quantized)
    {
        var path = Path.Combine(Path.GetTempPath(), $"resnet-trainer-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = path })
            using (new InferenceSession(quantized.ToByteArray(), options))
            {
            }

            var nodes = OnnxModelFile.Read(path).Graph.Node;
            return new FusionReport(
                nodes.Count(n => n.OpType is "QLinearConv" or "NhwcQLinearConv"),
                nodes.Count(n => n.OpType is "Conv" or "FusedConv" or "NhwcConv"),
                nodes.Count(n => n.OpType == "QLinearAdd"),
                nodes.Count(n => n.OpType == "QGemm"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    public override string ToString() =>
        $"{Int8Convolutions} of {Int8Convolutions + FloatConvolutions} convolutions run as int8 (QLinearConv), {Int8Additions} additions as QLinearAdd, {Int8Gemms} classifier as QGemm";
}
