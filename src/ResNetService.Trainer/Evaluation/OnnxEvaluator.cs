using ResNetService.Inference;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Model;
using ResNetService.Inference.Preprocessing;
using ResNetService.Trainer.Cli;
using ResNetService.Trainer.Data;

namespace ResNetService.Trainer.Evaluation;

/// <summary>
/// Evaluates an exported ONNX model with ONNX Runtime through the service's own <see cref="OnnxModel"/>: labels and
/// preprocessing come from the file's metadata (or its sidecar), exactly as the service would resolve them.
/// </summary>
public static class OnnxEvaluator
{
    public static ConfusionMatrix Evaluate(string modelPath, string dataSource, int batchSize, string? labelsFile)
    {
        OnnxModel model;
        try
        {
            model = OnnxModel.Load(new ModelLoadSettings { Path = modelPath, ExecutionProvider = ExecutionProviderPreference.Cpu });
        }
        catch (ModelLoadException e)
        {
            throw new CliException(e.Message, e);
        }

        using (model)
        {
            var settings = model.Info.Preprocessing;
            var data = DataSource.Load(dataSource, new DataOptions(settings.ImageSize, settings.ResizeMode, labelsFile, Name: model.Info.Dataset));
            EvaluationData.CheckClasses(data, model.Info.Labels);

            var matrix = new ConfusionMatrix(model.Info.Labels);
            var inputs = new float[batchSize * settings.TensorLength];
            var logits = new float[batchSize * model.Info.Classes];
            for (var start = 0; start < data.Test.Count; start += batchSize)
            {
                var rows = Math.Min(batchSize, data.Test.Count - start);
                for (var row = 0; row < rows; row++)
                {
                    Normalize(data.Test.Image(start + row), settings, inputs.AsSpan(row * settings.TensorLength, settings.TensorLength));
                }

                model.Run(inputs.AsMemory(0, rows * settings.TensorLength), rows, logits);
                for (var row = 0; row < rows; row++)
                {
                    var scores = logits.AsSpan(row * model.Info.Classes, model.Info.Classes);
                    matrix.Add(data.Test.Labels[start + row], ArgMax(scores));
                }
            }

            return matrix;
        }
    }

    /// <summary>Resized CHW bytes to the model's input, as the service normalises (gray first for grayscale models).</summary>
    private static void Normalize(ReadOnlySpan<byte> chw, PreprocessingSettings settings, Span<float> destination)
    {
        var plane = settings.ImageSize * settings.ImageSize;
        var gray = settings.ColorMode == ColorModes.Grayscale;
        for (var i = 0; i < plane; i++)
        {
            int r = chw[i], g = chw[plane + i], b = chw[2 * plane + i];
            if (gray)
            {
                r = g = b = ImagePreprocessor.Luma(r, g, b);
            }

            destination[i] = (r / 255f - settings.Mean[0]) / settings.Std[0];
            destination[plane + i] = (g / 255f - settings.Mean[1]) / settings.Std[1];
            destination[2 * plane + i] = (b / 255f - settings.Mean[2]) / settings.Std[2];
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
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
