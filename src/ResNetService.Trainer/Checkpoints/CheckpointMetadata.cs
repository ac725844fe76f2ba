using System.Globalization;
using System.Text.Json;
using ResNetService.Inference.Model;
using ResNetService.Onnx.ModelFile;

namespace ResNetService.Trainer.Checkpoints;

/// <summary>The ONNX metadata_props a checkpoint exports with: labels and preprocessing for the service, provenance for people.</summary>
public static class CheckpointMetadata
{
    public static IReadOnlyDictionary<string, string> From(CheckpointInfo info)
    {
        var metadata = new Dictionary<string, string>
        {
            [ModelMetadataKeys.Labels] = JsonSerializer.Serialize(info.Labels),
            [ModelMetadataKeys.ImageSize] = Invariant(info.ImageSize),
            [ModelMetadataKeys.ResizeMode] = info.ResizeMode,
            [ModelMetadataKeys.ResizeSize] = Invariant(PreprocessingSettings.DefaultResizeSize(info.ImageSize)),
            [ModelMetadataKeys.Mean] = JsonSerializer.Serialize(info.Mean),
            [ModelMetadataKeys.Std] = JsonSerializer.Serialize(info.Std),
            [ModelMetadataKeys.ColorMode] = info.ColorMode,
            [ModelMetadataKeys.Architecture] = info.Architecture,
            [ModelMetadataKeys.Variant] = info.Variant,
            [ModelMetadataKeys.Dataset] = info.Dataset,
            [ModelMetadataKeys.SelectedOn] = info.SelectedOn,
            [ModelMetadataKeys.TrainingDate] = info.SavedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            [ModelMetadataKeys.ProducerVersion] = info.ProducerVersion,
        };
        if (info.TestAccuracy is { } test)
        {
            metadata[ModelMetadataKeys.TestAccuracy] = Fraction(test);
        }

        if (info.ValidationAccuracy is { } validation)
        {
            metadata[ModelMetadataKeys.ValidationAccuracy] = Fraction(validation);
        }

        return metadata;
    }

    private static string Fraction(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>
    /// The preprocessing the service gives this checkpoint's export: its own resolver reading the metadata the export
    /// writes, so that a command run on the checkpoint sees the floats the served model would.
    /// </summary>
    public static PreprocessingSettings Preprocessing(CheckpointInfo info) =>
        new ModelSettingsResolver(From(info), new Dictionary<string, string>(), new ModelLoadSettings { Path = "checkpoint" })
            .ResolvePreprocessing(info.ImageSize);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
