using ResNetService.Onnx.Graph;
using ResNetService.Onnx.ModelFile;
using ResNetService.Onnx.Protos;
using ResNetService.Onnx.ResNet;
using ResNetService.Topology;

namespace ResNetService.TestSupport;

/// <summary>
/// One call to a random-weight ResNet ONNX model, so that tests of the service can have a real model file
/// without TorchSharp or a download. Same arguments, same bytes.
/// </summary>
public static class RandomResNetModel
{
    public const string ProducerVersion = "random-weights";

    /// <summary>
    /// See <see cref="ResNetOnnxExporter.Build"/> for the graph's input and outputs. <paramref name="extraOutputs"/> adds
    /// <c>embedding</c> and/or <c>feature_map</c> after <c>logits</c>, and names them in the metadata as an export does.
    /// </summary>
    public static ModelProto Create(
        ResNetConfig config, IReadOnlyDictionary<string, string>? metadata = null, int seed = 0, int? imageSize = null,
        ExtraOutputs extraOutputs = ExtraOutputs.None) =>
        ResNetOnnxExporter.Build(config, RandomResNetWeights.Create(config, seed),
            ExtraOutputsMetadata.Add(metadata ?? new Dictionary<string, string>(), extraOutputs), ProducerVersion, imageSize, extraOutputs);

    public static byte[] ToBytes(
        ResNetConfig config, IReadOnlyDictionary<string, string>? metadata = null, int seed = 0, int? imageSize = null,
        ExtraOutputs extraOutputs = ExtraOutputs.None) =>
        OnnxModelFile.ToBytes(Create(config, metadata, seed, imageSize, extraOutputs));

    /// <summary>Writes the model to <paramref name="path"/> (creating its folder).</summary>
    public static void Write(
        string path, ResNetConfig config, IReadOnlyDictionary<string, string>? metadata = null, int seed = 0, int? imageSize = null,
        ExtraOutputs extraOutputs = ExtraOutputs.None) =>
        OnnxModelFile.Write(Create(config, metadata, seed, imageSize, extraOutputs), path);
}
