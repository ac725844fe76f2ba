using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Data;
using ResNetService.Trainer.Training;

namespace ResNetService.Trainer.Evaluation;

/// <summary>
/// Evaluates a TorchSharp checkpoint on a data set's test split, preprocessed as it was trained: predictions and the
/// mean cross-entropy, as training reports its test loss, and each image's probabilities.
/// </summary>
public static class CheckpointEvaluator
{
    /// <param name="limit">Only the first this many test images (0: all).</param>
    public static EvaluationResult Evaluate(string prefix, CheckpointInfo info, string? dataSource, int batchSize, int limit = 0)
    {
        var data = EvaluationData.FirstTestImages(DataSource.Load(dataSource ?? info.Options.Data, new DataOptions(
            info.ImageSize, info.ResizeMode, info.Options.LabelsFile, info.Options.ValidationSplit, info.Options.Seed, info.Dataset)), limit);
        EvaluationData.CheckClasses(data, info.Labels);

        using var model = Checkpoint.LoadModel(prefix, info);
        using var test = new BatchTensors(data.Test);
        using var normalizer = new Normalizer(info.Mean, info.Std);
        var probabilities = new float[data.Test.Count * info.Labels.Count];
        var (predicted, loss) = Predictor.Predict(model, test, normalizer, batchSize, probabilities);

        var matrix = new ConfusionMatrix(info.Labels);
        matrix.AddRange(data.Test.Labels, predicted);
        var predictions = new Predictions(info.Labels, data.Test.Count);
        for (var image = 0; image < data.Test.Count; image++)
        {
            predictions.Set(image, data.Test.Labels[image], probabilities.AsSpan(image * info.Labels.Count, info.Labels.Count));
        }

        return new EvaluationResult(matrix, loss, predictions);
    }
}
