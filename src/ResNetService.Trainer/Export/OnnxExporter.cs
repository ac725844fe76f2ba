using ResNetService.Onnx.Graph;
using ResNetService.Onnx.Protos;
using ResNetService.Onnx.ResNet;
using ResNetService.Topology;
using ResNetService.Trainer.Model;

namespace ResNetService.Trainer.Export;

/// <summary>
/// Writes a trained TorchSharp <see cref="ResNet"/> as an ONNX model: its state_dict goes, name for name, into the
/// graph ResNetService.Onnx builds from the same <see cref="ResNetConfig"/> (input "input" [batch, C, H, W],
/// output "logits" [batch, classes], opset 17), with the caller's metadata_props.
/// </summary>
public static class OnnxExporter
{
    /// <param name="imageSize">Fixes the input's height and width; null leaves them symbolic.</param>
    public static ModelProto Build(
        ResNet model,
        IReadOnlyDictionary<string, string> metadata,
        string producerVersion,
        int? imageSize = null) =>
        ResNetOnnxExporter.Build(model.Config, StateDict.ToNamedTensors(model), metadata, producerVersion, imageSize);

    public static byte[] ToBytes(
        ResNet model,
        IReadOnlyDictionary<string, string> metadata,
        string producerVersion,
        int? imageSize = null) =>
        OnnxModelFile.ToBytes(Build(model, metadata, producerVersion, imageSize));

    /// <summary>Writes the model to <paramref name="path"/>, creating its folder; the file appears complete or not at all.</summary>
    public static void Write(
        ResNet model,
        string path,
        IReadOnlyDictionary<string, string> metadata,
        string producerVersion,
        int? imageSize = null) =>
        OnnxModelFile.Write(Build(model, metadata, producerVersion, imageSize), path);
}
