using ResNetService.Inference.Model;

namespace ResNetService.Inference.Hosting;

/// <summary>
/// Configured preprocessing values (section <c>Model:Preprocessing</c>); null means "not configured".
/// Checked by <see cref="ModelOptionsValidator"/> alone: data annotations here would never run, as
/// <c>ValidateDataAnnotations</c> does not descend into nested objects.
/// </summary>
public sealed class PreprocessingOptions
{
    public int? ImageSize { get; set; }
    public string? ResizeMode { get; set; }
    public int? ResizeSize { get; set; }
    public float[]? Mean { get; set; }
    public float[]? Std { get; set; }
    public string? ColorMode { get; set; }

    public PreprocessingOverrides ToOverrides() => new()
    {
        ImageSize = ImageSize,
        ResizeMode = ResizeMode,
        ResizeSize = ResizeSize,
        Mean = Mean,
        Std = Std,
        ColorMode = ColorMode,
    };
}
