using ResNetService.Inference.ExecutionProviders;

namespace ResNetService.Inference.Model;

/// <summary>
/// What <see cref="OnnxSession.Load"/> needs to load a model: plain values, so that loading does not depend on how the
/// service binds its configuration (the host builds this from its <c>Model</c> options).
/// </summary>
public sealed record ModelLoadSettings
{
    /// <summary>Path of the <c>.onnx</c> file; a relative path is taken from the current directory.</summary>
    public required string Path { get; init; }

    /// <summary>Display name; defaults to the file name without extension.</summary>
    public string? Name { get; init; }

    /// <summary>The name the model is served under: <see cref="Name"/>, else the file name without extension.</summary>
    public string DisplayName => Name ?? System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>Labels file (one class name per line) used when neither the model metadata nor a sidecar has labels.</summary>
    public string? LabelsPath { get; init; }

    /// <summary>ImageNet's class names for a 1000-class model without labels; else <c>imagenet-labels.txt</c> beside the model.</summary>
    public string? ImageNetLabelsPath { get; init; }

    public ExecutionProviderPreference ExecutionProvider { get; init; } = ExecutionProviderPreference.Auto;

    /// <summary>CUDA device ordinal.</summary>
    public int DeviceId { get; init; }

    /// <summary>Threads ONNX Runtime uses inside one operator; null lets it choose.</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>Threads for running independent operators in parallel; null lets ONNX Runtime choose.</summary>
    public int? InterOpThreads { get; init; }

    /// <summary>Preprocessing for models whose file and sidecar do not say (each value falls back on its own).</summary>
    public PreprocessingOverrides Preprocessing { get; init; } = new();

    /// <summary><c>logits</c> or <c>probabilities</c>; when null the warm-up output decides.</summary>
    public string? OutputKind { get; init; }
}
