using System.Reflection;
using System.Text.Json.Serialization;
using ResNetService.Inference.Model;

namespace ResNetService.Api.V2;

/// <summary><c>$metadata_server_response</c>.</summary>
public sealed record V2ServerMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("extensions")] IReadOnlyList<string> Extensions)
{
    public const string ServerName = "resnet-service";

    /// <summary>Triton's names of the extensions the service implements.</summary>
    public static readonly IReadOnlyList<string> Supported = ["binary_tensor_data", "classification", "model_repository"];

    public static V2ServerMetadata Current { get; } = new(
        ServerName,
        typeof(V2ServerMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0",
        Supported);
}

/// <summary><c>$metadata_tensor</c>.</summary>
public sealed record V2TensorMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("datatype")] string Datatype,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape);

/// <summary><c>$metadata_model_response</c>.</summary>
public sealed record V2ModelMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("versions")] IReadOnlyList<string> Versions,
    [property: JsonPropertyName("platform")] string Platform,
    [property: JsonPropertyName("inputs")] IReadOnlyList<V2TensorMetadata> Inputs,
    [property: JsonPropertyName("outputs")] IReadOnlyList<V2TensorMetadata> Outputs)
{
    /// <summary>Triton's platform name for ONNX models.</summary>
    public const string OnnxPlatform = "onnxruntime_onnx";

    /// <summary>
    /// The model's tensors as the service accepts them: the batch is always dynamic (-1, the service batches even a
    /// model fixed to one row), the image side is the one the service preprocesses to. The scores come first, then the
    /// embedding and last feature map where the model has them (answered only when requested).
    /// </summary>
    public static V2ModelMetadata From(ModelInfo model, IReadOnlyList<string> versions) => new(
        model.Name,
        versions,
        OnnxPlatform,
        [new V2TensorMetadata(model.InputName, V2Datatypes.Fp32, [-1, 3, model.Preprocessing.ImageSize, model.Preprocessing.ImageSize])],
        [
            new V2TensorMetadata(model.OutputName, V2Datatypes.Fp32, [-1, model.Classes]),
            .. model.Features.EmbeddingOutput is { } embedding ? [new V2TensorMetadata(embedding, V2Datatypes.Fp32, [-1, model.Features.EmbeddingLength])] : Array.Empty<V2TensorMetadata>(),
            .. model.Features.FeatureMapOutput is { } map
                ? [new V2TensorMetadata(map, V2Datatypes.Fp32, [-1, .. model.Features.FeatureMapShape.Select(d => (long)d)])]
                : Array.Empty<V2TensorMetadata>(),
        ]);
}
