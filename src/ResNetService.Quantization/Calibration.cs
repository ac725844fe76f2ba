using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ResNetService.Onnx.Protos;
using ResNetService.Onnx.Graph;

namespace ResNetService.Quantization;

/// <summary>
/// Runs calibration images through the prepared fp32 graph with every tensor to be quantized made an output, and keeps
/// a <see cref="RangeHistogram"/> of each.
/// </summary>
public static class Calibration
{
    /// <param name="batches">Preprocessed input batches, [rows, 3, size, size] each, as the service would feed them.</param>
    /// <param name="stepCompleted">Called after each batch with the number of images calibrated so far.</param>
    public static IReadOnlyDictionary<string, RangeHistogram> Measure(
        ModelProto prepared, IReadOnlyList<string> tensors, int imageSize, IEnumerable<(float[] Data, int Rows)> batches, Action<int> stepCompleted)
    {
        var probe = prepared.Clone();
        var inputName = tensors[0];
        probe.Graph.AddFloatOutputs(tensors.Skip(1));

        var histograms = tensors.ToDictionary(t => t, _ => new RangeHistogram(), StringComparer.Ordinal);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(probe.ToByteArray(), options);
        var fetch = tensors.Skip(1).ToArray();
        var images = 0;
        foreach (var (data, rows) in batches)
        {
            var input = new DenseTensor<float>(data.AsMemory(0, rows * 3 * imageSize * imageSize), [rows, 3, imageSize, imageSize]);
            histograms[inputName].Add(input.Buffer.Span);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, input)], fetch);
            foreach (var result in results)
            {
                histograms[result.Name].Add(result.AsTensor<float>() is DenseTensor<float> dense ? dense.Buffer.Span : result.AsEnumerable<float>().ToArray());
            }

            images += rows;
            stepCompleted(images);
        }

        return histograms;
    }
}
