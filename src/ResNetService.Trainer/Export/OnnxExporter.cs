using ResNetService.Onnx.Graph;
using ResNetService.Onnx.ModelFile;
using ResNetService.Onnx.Protos;
using ResNetService.Onnx.ResNet;
using ResNetService.Topology;
using ResNetService.Trainer.Model;

namespace ResNetService.Trainer.Export;

/// <summary>
/// Writes a trained TorchSharp <see cref="ResNet"/> as an ONNX model: its state_dict goes, name for name, into the
/// graph ResNetService.Onnx builds from the same <see cref="ResNetConfig"/> (input "input" [batch, C, H, W],
/// output "logits" [batch, classes], opset 17), with the caller's metadata_props. <see cref="ExtraOutputs"/> adds the
/// outputs "embedding" and "feature_map" after the logits, and names them in the metadata
/// (<see cref="ModelMetadataKeys.EmbeddingOutput"/>, <see cref="ModelMetadataKeys.FeatureMapOutput"/>).
/// </summary>
public static class OnnxExporter
{
    /// <param name="imageSize">Fixes the input's height and width; null leaves them symbolic.</param>
    public static ModelProto Build(
        ResNet model,
        IReadOnlyDictionary<string, string> metadata,
        string producerVersion,
        int? imageSize = null,
        ExtraOutputs extraOutputs = ExtraOutputs.None) =>
        ResNetOnnxExporter.Build(model.Config, StateDict.ToNamedTensors(model), ExtraOutputsMetadata.Add(metadata, extraOutputs),
            producerVersion, imageSize, extraOutputs);

    public static byte[] ToBytes(
        ResNet model,
        IReadOnlyDictionary<string, string> metadata,
        string producerVersion,
        int? imageSize = null,
        ExtraOutputs extraOutputs = ExtraOutputs.None) =>
        OnnxModelFile.ToBytes(Build(model, metadata, producerVersion, imageSize, extraOutputs));

    /// <summary>Writes the model to <paramref name="path"/>, creating its folder; the file appears complete or not at all.</summary>
    public static void Write(
        ResNet model,
        string path,
        IReadOnlyDictionary<string, string> metadata,
        string producerVersion,
        int? imageSize = null,
        ExtraOutputs extraOutputs = ExtraOutputs.None) =>
        OnnxModelFile.Write(Build(model, metadata, producerVersion, imageSize, extraOutputs), path);
}
