namespace ResNetService.Trainer.Training;

/// <summary>What one epoch achieved: one row of metrics.csv and one point on the training curves.</summary>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double TestLoss,
    double TestAccuracy,
    double LearningRate,
    double Seconds,
    double ImagesPerSecond);
