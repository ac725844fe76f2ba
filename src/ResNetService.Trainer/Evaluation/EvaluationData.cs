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
}
