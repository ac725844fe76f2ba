using ResNetService.Trainer.Data;

namespace ResNetService.Trainer.Evaluation;

internal static class EvaluationData
{
    /// <summary>The data's labels index the model's outputs, so the class counts must agree.</summary>
    public static void CheckClasses(TrainingData data, IReadOnlyList<string> modelLabels)
    {
        if (data.Classes.Count != modelLabels.Count)
        {
            throw new DataSetException($"The model has {modelLabels.Count} classes but data set '{data.Name}' has {data.Classes.Count}.");
        }
    }

    /// <summary>The data with only the first <paramref name="limit"/> test images (0: all of them).</summary>
    public static TrainingData FirstTestImages(TrainingData data, int limit) =>
        limit <= 0 || limit >= data.Test.Count ? data : data with { Test = data.Test.Subset([.. Enumerable.Range(0, limit)]) };
}
