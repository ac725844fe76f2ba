namespace ResNetService.Trainer.Training;

/// <summary>Which split chose a run's best epoch.</summary>
public static class SelectionSplits
{
    /// <summary>The <c>--holdout</c> share of the training split; the test split is scored once, at the end.</summary>
    public const string Validation = "validation";

    /// <summary>No holdout: the test split scored every epoch and chose the best, so its accuracy is optimistic.</summary>
    public const string Test = "test";
}
