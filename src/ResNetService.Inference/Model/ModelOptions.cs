using System.ComponentModel.DataAnnotations;
using ResNetService.Inference.ExecutionProviders;

namespace ResNetService.Inference.Model;

/// <summary>Which model to serve and how (configuration section <c>Model</c>).</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Model";

    /// <summary>Path of the <c>.onnx</c> file.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "";

    /// <summary>Display name; defaults to the file name without extension.</summary>
    public string? Name { get; set; }

    /// <summary>Labels file (one class name per line) used when neither the model metadata nor a sidecar has labels.</summary>
    public string? LabelsPath { get; set; }

    /// <summary>
    /// ImageNet's 1000 class names, one per line, used as the default labels of a 1000-class model without labels.
    /// When unset, <c>imagenet-labels.txt</c> beside the model is used if present, else the service's own
    /// <c>models/imagenet-labels.txt</c> (see <see cref="ModelSettingsResolver.ShippedImageNetLabelsPath"/>).
    /// </summary>
    public string? ImageNetLabelsPath { get; set; }

    public ExecutionProviderPreference ExecutionProvider { get; set; } = ExecutionProviderPreference.Auto;

    /// <summary>CUDA device ordinal.</summary>
    [Range(0, 64)]
    public int DeviceId { get; set; }

    /// <summary>Threads ONNX Runtime uses inside one operator; null lets it choose (one per core).</summary>
    [Range(1, 1024)]
    public int? IntraOpThreads { get; set; }

    /// <summary>Threads for running independent operators in parallel; null lets ONNX Runtime choose.</summary>
    [Range(1, 1024)]
    public int? InterOpThreads { get; set; }

    /// <summary>Preprocessing for models whose file and sidecar do not say (each value falls back on its own).</summary>
    public PreprocessingOverrides Preprocessing { get; set; } = new();

    /// <summary><c>logits</c> or <c>probabilities</c>; when unset the warm-up output decides (rows summing to 1 are probabilities).</summary>
    public string? OutputKind { get; set; }

    /// <summary>What model loading needs of these options (relative paths are already taken from the content root here).</summary>
    public ModelLoadSettings ToLoadSettings() => new()
    {
        Path = Path,
        Name = Name,
        LabelsPath = LabelsPath,
        ImageNetLabelsPath = ImageNetLabelsPath,
        ExecutionProvider = ExecutionProvider,
        DeviceId = DeviceId,
        IntraOpThreads = IntraOpThreads,
        InterOpThreads = InterOpThreads,
        Preprocessing = Preprocessing,
        OutputKind = OutputKind,
    };
}
