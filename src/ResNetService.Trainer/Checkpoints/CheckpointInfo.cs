using System.Globalization;
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

    /// <summary>
    /// The split whose accuracy chose the best epoch (a <see cref="SelectionSplits"/> value); checkpoints written
    /// before holdouts were a choice were chosen on the test split.
    /// </summary>
    public string SelectedOn { get; init; } = SelectionSplits.Test;

    /// <summary>
    /// Test accuracy (0..1) of these weights. Selected on the test split: every epoch's. Selected on a holdout: only
    /// the best checkpoint's, measured once when the run ends; null until then.
    /// </summary>
    public double? TestAccuracy { get; init; }

    /// <summary>Best test accuracy (0..1) of the run so far, when the test split chooses.</summary>
    public double? BestTestAccuracy { get; init; }

    /// <summary>Holdout accuracy (0..1) of these weights, when the run holds out a validation split.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>Best holdout accuracy (0..1) of the run so far.</summary>
    public double? BestValidationAccuracy { get; init; }

    /// <summary>The epoch of the best accuracy so far on the selection split (early stopping counts from it).</summary>
    public int BestEpoch { get; init; }

    /// <summary>Images held out of the training split to choose the best epoch; 0 without a holdout.</summary>
    public int ValidationImages { get; init; }

    /// <summary>E.g. "validation accuracy 93.10% (chose epoch 7), test accuracy 92.80%", for people.</summary>
    public string DescribeAccuracy()
    {
        static string Percent(double? value) => value is { } v ? (100 * v).ToString("F2", CultureInfo.InvariantCulture) + "%" : "not measured";
        return SelectedOn == SelectionSplits.Validation
            ? $"validation accuracy {Percent(ValidationAccuracy)} (chose epoch {BestEpoch}), test accuracy {Percent(TestAccuracy)}"
            : $"test accuracy {Percent(TestAccuracy)} (the test split chose epoch {BestEpoch})";
    }

    public required DateTimeOffset SavedAt { get; init; }

    public required string ProducerVersion { get; init; }

    public required TrainingOptions Options { get; init; }
}
