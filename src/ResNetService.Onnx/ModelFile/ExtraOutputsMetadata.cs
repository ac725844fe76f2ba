using ResNetService.Onnx.ResNet;

namespace ResNetService.Onnx.ModelFile;

/// <summary>
/// The <c>metadata_props</c> entries that name a ResNet file's extra graph outputs, for whoever writes such a file
/// (the trainer's export, the tests' random models): <see cref="ModelMetadataKeys.EmbeddingOutput"/> and
/// <see cref="ModelMetadataKeys.FeatureMapOutput"/>, each with the output's name as its value.
/// </summary>
public static class ExtraOutputsMetadata
{
    /// <summary><paramref name="metadata"/> plus an entry for each output in <paramref name="outputs"/>.</summary>
    public static IReadOnlyDictionary<string, string> Add(IReadOnlyDictionary<string, string> metadata, ExtraOutputs outputs)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var result = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        if (outputs.HasFlag(ExtraOutputs.Embedding))
        {
            result[ModelMetadataKeys.EmbeddingOutput] = ResNetOnnxExporter.EmbeddingName;
        }

        if (outputs.HasFlag(ExtraOutputs.FeatureMap))
        {
            result[ModelMetadataKeys.FeatureMapOutput] = ResNetOnnxExporter.FeatureMapName;
        }

        return result;
    }
}
