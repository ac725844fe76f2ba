using ResNetService.Topology;
using ResNetService.Trainer.Training;

namespace ResNetService.Trainer.Checkpoints;

/// <summary>
/// The JSON half of a checkpoint: everything needed to rebuild the network, preprocess its input and export it,
/// plus where the run stands. The weights sit beside it in TorchSharp's format.
/// </summary>
public sealed record CheckpointInfo
{
    public required string Architecture { get; init; }

    public required string Variant { get; init; }

    /// <summary>A <see cref="ResNetHeads"/> name; checkpoints written before heads were a choice have the default.</summary>
    public string Head { get; init; } = ResNetHeads.Default.Name();

    /// <summary>Class names in output order.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    public required int ImageSize { get; init; }

    public required string ResizeMode { get; init; }

    public required float[] Mean { get; init; }

    public required float[] Std { get; init; }

    public required string ColorMode { get; init; }

    public required string Dataset { get; init; }

    /// <summary>Epochs completed.</summary>
    public required int Epoch { get; init; }

    /// <summary>Optimizer steps taken: the schedule's position.</summary>
    public required long Step { get; init; }

    /// <summary>Test accuracy (0..1) of these weights.</summary>
    public required double TestAccuracy { get; init; }

    /// <summary>Best test accuracy (0..1) of the run so far.</summary>
    public required double BestTestAccuracy { get; init; }

    public required DateTimeOffset SavedAt { get; init; }

    public required string ProducerVersion { get; init; }

    public required TrainingOptions Options { get; init; }
}
