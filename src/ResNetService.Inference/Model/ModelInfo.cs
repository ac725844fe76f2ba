using ResNetService.Inference.Features;
using ResNetService.Onnx.ModelFile;

namespace ResNetService.Inference.Model;

/// <summary>Everything known about the loaded model: what it is, how inputs are prepared, and where it runs.</summary>
public sealed record ModelInfo
{
    /// <summary>Display name: the configured name, else the file name without extension.</summary>
    public required string Name { get; init; }
    public required string FilePath { get; init; }
    public required string Sha256 { get; init; }
    public required long FileSizeBytes { get; init; }

    public string? Architecture { get; init; }
    public string? Variant { get; init; }
    public string? Dataset { get; init; }
    public double? TestAccuracy { get; init; }
    /// <summary>The split that chose the trained epoch (<c>validation</c> or <c>test</c>), when the file says.</summary>
    public string? SelectedOn { get; init; }
    public double? ValidationAccuracy { get; init; }
    public string? TrainingDate { get; init; }
    /// <summary><see cref="ModelPrecision"/>: fp32, fp16 or int8, from the graph's operators and weights.</summary>
    public string Precision { get; init; } = ModelPrecision.Fp32;
    public string? ProducerVersion { get; init; }
    /// <summary>Opset of the default ONNX domain, read from the file header; null if it could not be read.</summary>
    public long? OpsetVersion { get; init; }
    public long? IrVersion { get; init; }

    public required string InputName { get; init; }
    /// <summary>Input shape as the model declares it; -1 marks a dynamic dimension (normally the batch).</summary>
    public required IReadOnlyList<long> InputShape { get; init; }
    public required string OutputName { get; init; }
    public required IReadOnlyList<long> OutputShape { get; init; }
    /// <summary>Rows one model run takes: null when the batch dimension is dynamic, else its fixed size (often 1).</summary>
    public int? FixedBatchSize { get; init; }

    public required PreprocessingSettings Preprocessing { get; init; }
    public required int Classes { get; init; }
    public required IReadOnlyList<string> Labels { get; init; }
    /// <summary><c>logits</c> (the service applies softmax) or <c>probabilities</c> (already softmaxed).</summary>
    public required string OutputKind { get; init; }

    /// <summary>The embedding and feature map outputs and the classifier weights, or why the model has none.</summary>
    public FeatureOutputs Features { get; init; } = FeatureOutputs.None("the model was not loaded from an ONNX file");

    /// <summary>ONNX Runtime's name of the provider in use, e.g. <c>CPUExecutionProvider</c>.</summary>
    public required string ExecutionProvider { get; init; }
    /// <summary>Why the service runs on the CPU although Auto would have preferred CUDA; null when it did not fall back.</summary>
    public string? ExecutionProviderFallbackReason { get; init; }

    public required TimeSpan LoadTime { get; init; }
    public required TimeSpan WarmupTime { get; init; }

    /// <summary>Where each setting came from, keyed by <see cref="ModelMetadataKeys"/> names (labels, image_size, ...).</summary>
    public required IReadOnlyDictionary<string, SettingSource> SettingSources { get; init; }
    /// <summary>The file's raw <c>metadata_props</c>.</summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>The one check of a class index against this model's classes, for the API's early refusal and the classifier alike.</summary>
    /// <exception cref="UnknownClassException"><paramref name="classIndex"/> is not one of the classes.</exception>
    public int ThrowIfNotAClass(int classIndex) =>
        classIndex >= 0 && classIndex < Classes
            ? classIndex
            : throw new UnknownClassException($"Class {classIndex} does not exist; model '{Name}' has classes 0 to {Classes - 1}.");
}

/// <summary>Values of <see cref="ModelInfo.OutputKind"/>.</summary>
public static class OutputKinds
{
    public const string Logits = "logits";
    public const string Probabilities = "probabilities";
}
