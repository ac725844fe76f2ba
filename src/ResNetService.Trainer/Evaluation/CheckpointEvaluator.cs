using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Data;
using ResNetService.Trainer.Training;

namespace ResNetService.Trainer.Evaluation;

/// <summary>
/// Evaluates a TorchSharp checkpoint on a data set's test split, preprocessed as it was trained: predictions and the
/// mean cross-entropy, as training reports its test loss.
/// </summary>
public static class CheckpointEvaluator
{
    public static EvaluationResult Evaluate(string prefix, CheckpointInfo info, string? dataSource, int batchSize)
    {
        var data = DataSource.Load(dataSource ?? info.Options.Data, new DataOptions(
            info.ImageSize, info.ResizeMode, info.Options.LabelsFile, info.Options.ValidationSplit, info.Options.Seed, info.Dataset));
        EvaluationData.CheckClasses(data, info.Labels);

        using var model = Checkpoint.LoadModel(prefix, info);
        using var test = new BatchTensors(data.Test);
        using var normalizer = new Normalizer(info.Mean, info.Std);
        var (predictions, loss) = Predictor.Predict(model, test, normalizer, batchSize);

        var matrix = new ConfusionMatrix(info.Labels);
        matrix.AddRange(data.Test.Labels, predictions);
        return new EvaluationResult(matrix, loss);
    }
}
