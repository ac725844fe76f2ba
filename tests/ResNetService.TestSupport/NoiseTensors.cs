namespace ResNetService.TestSupport;

/// <summary>Deterministic pseudo-images as model inputs: roughly what a normalized photo looks like to the network.</summary>
public static class NoiseTensors
{
    /// <summary>[batch, channels, size, size] values, uniform in [-2, 2).</summary>
    public static float[] Batch(int batch, int channels, int size, int seed)
    {
        var random = new Random(seed);
        var data = new float[batch * channels * size * size];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)(random.NextDouble() * 4.0 - 2.0);
        }

        return data;
    }
}
