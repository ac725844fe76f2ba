using System.ComponentModel.DataAnnotations;
using ResNetService.Inference.Model;

namespace ResNetService.Inference.Hosting;

/// <summary>Configured preprocessing values (section <c>Model:Preprocessing</c>); null means "not configured".</summary>
public sealed class PreprocessingOptions
{
    [Range(1, 4096)]
    public int? ImageSize { get; set; }
    public string? ResizeMode { get; set; }
    [Range(1, 8192)]
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
