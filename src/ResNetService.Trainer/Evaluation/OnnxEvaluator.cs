using ResNetService.Inference.Classification;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Model;
using ResNetService.Trainer.Data;

namespace ResNetService.Trainer.Evaluation;

/// <summary>
/// Evaluates an exported ONNX model with ONNX Runtime through the service's own <see cref="OnnxSession"/>: labels and
/// preprocessing come from the file's metadata (or its sidecar), exactly as the service would resolve them. The test
/// loss is the mean <see cref="CrossEntropy"/> of ONNX Runtime's logits.
/// </summary>
public static class OnnxEvaluator
{
    /// <param name="limit">Only the first this many test images (0: all).</param>
    public static EvaluationResult Evaluate(string modelPath, string dataSource, int batchSize, string? labelsFile, int limit = 0)
    {
        using var model = Load(modelPath);
        var settings = model.Info.Preprocessing;
        var data = DataSource.Load(dataSource, new DataOptions(settings.ImageSize, settings.ResizeMode, labelsFile, Name: model.Info.Dataset));
        return Evaluate(model, EvaluationData.FirstTestImages(data, limit), batchSize);
    }

    public static OnnxSession Load(string modelPath) =>
        OnnxSession.Load(new ModelLoadSettings { Path = modelPath, ExecutionProvider = ExecutionProviderPreference.Cpu });

    /// <summary>Scores a loaded model on the test split of data already brought to its input size.</summary>
    public static EvaluationResult Evaluate(OnnxSession model, TrainingData data, int batchSize)
    {
        var settings = model.Info.Preprocessing;
        EvaluationData.CheckClasses(data, model.Info.Labels);

        var matrix = new ConfusionMatrix(model.Info.Labels);
        var predictions = new Predictions(model.Info.Labels, data.Test.Count);
        var probabilities = new float[model.Info.Classes];
        var lossSum = 0.0;
        using var input = new OnnxInput(settings);
        var inputs = new float[batchSize * input.Length];
        var logits = new float[batchSize * model.Info.Classes];
        for (var start = 0; start < data.Test.Count; start += batchSize)
        {
            var rows = Math.Min(batchSize, data.Test.Count - start);
            for (var row = 0; row < rows; row++)
            {
                input.Write(data.Test.Image(start + row), inputs.AsSpan(row * input.Length, input.Length));
            }

            model.Run(inputs.AsMemory(0, rows * input.Length), rows, logits);
            for (var row = 0; row < rows; row++)
            {
                var scores = logits.AsSpan(row * model.Info.Classes, model.Info.Classes);
                var label = data.Test.Labels[start + row];
                matrix.Add(label, ArgMax(scores));
                lossSum += CrossEntropy.Of(scores, label);
                if (model.Info.OutputKind == OutputKinds.Logits) // as the service turns scores into probabilities
                {
                    Probabilities.Softmax(scores, probabilities);
                }
                else
                {
                    scores.CopyTo(probabilities);
                }

                predictions.Set(start + row, label, probabilities);
            }
        }

        return new EvaluationResult(matrix, lossSum / Math.Max(data.Test.Count, 1), predictions);
    }

    /// <summary>The index of the highest score: the predicted class.</summary>
    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
