namespace ResNetService.Trainer.Training;

/// <summary>Where a training run reports how it is going (a live progress bar, log lines, or nothing in tests).</summary>
public interface ITrainingProgress
{
    void Message(string text);

    void EpochStarted(int epoch, int epochs, int steps);

    /// <summary>After each step, with the running averages of the epoch so far.</summary>
    void StepCompleted(int step, double loss, double accuracy, double imagesPerSecond);

    void EpochCompleted(EpochMetrics metrics, bool best);
}

/// <summary>Reports nothing.</summary>
public sealed class SilentProgress : ITrainingProgress
{
    public void Message(string text)
    {
    }

    public void EpochStarted(int epoch, int epochs, int steps)
    {
    }

    public void StepCompleted(int step, double loss, double accuracy, double imagesPerSecond)
    {
    }

    public void EpochCompleted(EpochMetrics metrics, bool best)
    {
    }
}
