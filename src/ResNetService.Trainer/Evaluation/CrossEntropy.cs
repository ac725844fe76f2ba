namespace ResNetService.Trainer.Evaluation;

/// <summary>The cross-entropy loss of one row of logits, as training measures it: -log softmax(logits)[label].</summary>
public static class CrossEntropy
{
    /// <summary>log(sum(exp(logits))) - logits[label], in double precision and shifted by the largest logit so exp cannot overflow.</summary>
    public static double Of(ReadOnlySpan<float> logits, int label)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(label, logits.Length);
        double max = float.NegativeInfinity;
        foreach (var logit in logits)
        {
            max = Math.Max(max, logit);
        }

        var sum = 0.0;
        foreach (var logit in logits)
        {
            sum += Math.Exp(logit - max);
        }

        return max + Math.Log(sum) - logits[label];
    }
}
