namespace ResNetService.Inference.Explanations;

/// <summary>
/// A class activation map (Zhou et al., 2016): the classifier's weights for one class applied to the last feature map,
/// channel by channel, at every position: map(y, x) = sum over k of w[class, k] * feature[k, y, x]. Because the
/// embedding is the feature map's mean, the map's mean plus the class's bias is that class's score; the bias, which
/// is the same everywhere, is left out.
/// </summary>
/// <param name="Values">Row by row, <see cref="Height"/> rows of <see cref="Width"/>, in the classifier's own units.</param>
public sealed record ClassActivationMap(int Width, int Height, float[] Values)
{
    /// <param name="featureMap">One image's feature map, [channels, height, width].</param>
    /// <param name="classWeights">The classifier's weights for the class, one per channel.</param>
    public static ClassActivationMap Compute(ReadOnlySpan<float> featureMap, int channels, int height, int width, ReadOnlySpan<float> classWeights)
    {
        var plane = height * width;
        if (featureMap.Length != channels * plane || classWeights.Length != channels)
        {
            throw new ArgumentException(
                $"A feature map of [{channels}, {height}, {width}] needs {channels * plane} values and {channels} weights; got {featureMap.Length} and {classWeights.Length}.");
        }

        var values = new float[plane];
        for (var k = 0; k < channels; k++)
        {
            var weight = classWeights[k];
            var channel = featureMap.Slice(k * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                values[i] += weight * channel[i];
            }
        }

        return new ClassActivationMap(width, height, values);
    }

    public float Min => Values.Min();

    public float Max => Values.Max();

    /// <summary>The map scaled to 0..1 (0 where it is lowest, 1 where highest; all 0 when it is flat), for drawing.</summary>
    public float[] Normalized()
    {
        float min = Min, range = Max - Min;
        return range > 0 && float.IsFinite(range) ? [.. Values.Select(v => (v - min) / range)] : new float[Values.Length];
    }

    /// <summary>The rows as arrays, for JSON.</summary>
    public float[][] Rows() => [.. Enumerable.Range(0, Height).Select(y => Values.AsSpan(y * Width, Width).ToArray())];
}
