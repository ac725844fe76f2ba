namespace ResNetService.Inference.Model;

/// <summary>
/// Preprocessing values given by whoever loads the model; null means "not given". Each is used only when the file and
/// its sidecar do not say. The service binds it straight from configuration (section <c>Model:Preprocessing</c>).
/// </summary>
public sealed record PreprocessingOverrides
{
    public int? ImageSize { get; init; }
    public string? ResizeMode { get; init; }
    public int? ResizeSize { get; init; }
    public float[]? Mean { get; init; }
    public float[]? Std { get; init; }
    public string? ColorMode { get; init; }
}
