namespace ResNetService.Trainer.Training;

/// <summary>What one epoch achieved: one row of metrics.csv and one point on the training curves.</summary>
/// <param name="SelectionLoss">Loss on the split that chooses the best epoch (<paramref name="Split"/>).</param>
/// <param name="SelectionAccuracy">Accuracy on that split.</param>
/// <param name="Split">A <see cref="SelectionSplits"/> value: the holdout ("validation") or, without one, "test".</param>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double SelectionLoss,
    double SelectionAccuracy,
    double LearningRate,
    double Seconds,
    double ImagesPerSecond,
    string Split = SelectionSplits.Test);
