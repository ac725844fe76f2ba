using System.Text.Json;
using System.Text.Json.Serialization;
using ResNetService.Inference.Model;

namespace ResNetService.Inference.Repository;

/// <summary>
/// A model's own settings, from <c>&lt;Root&gt;/&lt;name&gt;/config.json</c> (every field optional): its version
/// policy, preprocessing for files whose metadata and sidecar do not say, and its batcher's sizes.
/// </summary>
public sealed record ModelFolderConfig
{
    public const string FileName = "config.json";

    public VersionPolicy? VersionPolicy { get; init; }

    public PreprocessingOverrides? Preprocessing { get; init; }

    /// <summary>Most images in one model run of this model (else Batching:MaxBatchSize).</summary>
    public int? MaxBatchSize { get; init; }

    /// <summary>Images that may wait for this model (else Batching:QueueCapacity).</summary>
    public int? QueueCapacity { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The config in <paramref name="modelFolder"/>, or the empty one when there is none.</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON of this shape, or holds impossible values.</exception>
    public static ModelFolderConfig Read(string modelFolder)
    {
        var path = Path.Combine(modelFolder, FileName);
        if (!File.Exists(path))
        {
            return new ModelFolderConfig();
        }

        ModelFolderConfig config;
        try
        {
            config = JsonSerializer.Deserialize<ModelFolderConfig>(File.ReadAllText(path), Json) ?? new ModelFolderConfig();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{FileName} of {Path.GetFileName(modelFolder)} is not valid: {e.Message}", e);
        }

        var problem = config.VersionPolicy?.Problem()
            ?? (config.MaxBatchSize is < 1 ? "maxBatchSize must be at least 1." : null)
            ?? (config.QueueCapacity is < 1 ? "queueCapacity must be at least 1." : null);
        return problem is null ? config : throw new InvalidDataException($"{FileName} of {Path.GetFileName(modelFolder)}: {problem}");
    }
}
