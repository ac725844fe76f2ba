namespace ResNetService.Inference.Classification;

/// <summary>Turning one output row into ranked classes.</summary>
public static class Probabilities
{
    /// <summary>Numerically stable softmax: subtracts the largest logit before exponentiating.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> destination)
    {
        var max = float.NegativeInfinity;
        foreach (var value in logits)
        {
            max = Math.Max(max, value);
        }

        var sum = 0.0;
        for (var i = 0; i < logits.Length; i++)
        {
            destination[i] = MathF.Exp(logits[i] - max);
            sum += destination[i];
        }
        var scale = (float)(1 / sum);
        for (var i = 0; i < logits.Length; i++)
        {
            destination[i] *= scale;
        }
    }

    /// <summary>Indices of the <paramref name="k"/> largest values, largest first; ties keep the lower index first.</summary>
    public static int[] TopK(ReadOnlySpan<float> values, int k)
    {
        k = Math.Clamp(k, 0, values.Length);
        var top = new int[k];
        var count = 0;
        for (var i = 0; i < values.Length; i++)
        {
            // Insertion into a short sorted list: k is small, so this beats sorting every class.
            if (count == k && !(values[i] > values[top[k - 1]]))
            {
                continue;
            }

            var position = Math.Min(count, k - 1);
            while (position > 0 && values[i] > values[top[position - 1]])
            {
                top[position] = top[position - 1];
                position--;
            }
            top[position] = i;
            count = Math.Min(count + 1, k);
        }
        return top;
    }
}
