namespace ResNetService.Inference.Features;

/// <summary>One image's pooled embedding, and where the time went.</summary>
/// <param name="Normalized">True when the vector was scaled to unit length (L2), as cosine similarity wants it.</param>
public sealed record EmbeddingResult(
    float[] Embedding, bool Normalized, int BatchSize, TimeSpan PreprocessingTime, TimeSpan QueueTime, TimeSpan InferenceTime)
{
    /// <summary>Scales <paramref name="vector"/> to unit length in place (a zero vector stays zero).</summary>
    public static void Normalize(Span<float> vector)
    {
        var sum = 0.0;
        foreach (var value in vector)
        {
            sum += (double)value * value;
        }

        if (sum > 0 && double.IsFinite(sum))
        {
            var scale = (float)(1 / Math.Sqrt(sum));
            foreach (ref var value in vector)
            {
                value *= scale;
            }
        }
    }
}

/// <summary>The outcome for one image of a batch request: an embedding, or why that image was refused.</summary>
public sealed record BatchEmbeddingItem(EmbeddingResult? Embedding, ImageRejectedException? Rejection);
