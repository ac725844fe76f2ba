using static TorchSharp.torch;

namespace ResNetService.Trainer.Training;

/// <summary>Runs a network over a whole image set without gradients: predicted class per image and the mean loss.</summary>
public static class Predictor
{
    /// <param name="probabilities">When given, receives each image's softmax row after row (images x classes).</param>
    public static (int[] Predictions, double MeanLoss) Predict(
        nn.Module<Tensor, Tensor> model, BatchTensors data, Normalizer normalizer, int batchSize, float[]? probabilities = null)
    {
        model.eval();
        using var noGrad = no_grad();
        var predictions = new int[data.Count];
        var lossSum = 0.0;
        var indices = Enumerable.Range(0, data.Count).Select(i => (long)i).ToArray();
        for (var start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(batchSize, data.Count - start);
            var (images, labels) = data.Batch(indices.AsSpan(start, count));
            var logits = model.call(normalizer.Apply(images));
            lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
            var predicted = logits.argmax(1).to_type(ScalarType.Int32).data<int>().ToArray();
            predicted.CopyTo(predictions, start);
            if (probabilities is not null)
            {
                var rows = logits.softmax(1).data<float>().ToArray();
                rows.CopyTo(probabilities, start * (rows.Length / count));
            }
        }

        return (predictions, lossSum / Math.Max(data.Count, 1));
    }
}
