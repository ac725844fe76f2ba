namespace ResNetService.Trainer.Data;

/// <summary>Per-channel mean and standard deviation of an image set on the 0..1 scale, for normalising inputs.</summary>
public sealed record ChannelStatistics(float[] Mean, float[] Std)
{
    public static ChannelStatistics Compute(ImageSet images)
    {
        var plane = images.ImageSize * images.ImageSize;
        var sums = new double[3];
        var squares = new double[3];
        // A histogram per channel keeps this one pass over bytes, exact, and cheap for 60,000 images.
        var histogram = new long[3, 256];
        for (var i = 0; i < images.Count; i++)
        {
            var image = images.Image(i);
            for (var c = 0; c < 3; c++)
            {
                foreach (var value in image.Slice(c * plane, plane))
                {
                    histogram[c, value]++;
                }
            }
        }

        var mean = new float[3];
        var std = new float[3];
        var count = (double)images.Count * plane;
        for (var c = 0; c < 3; c++)
        {
            for (var v = 0; v < 256; v++)
            {
                sums[c] += histogram[c, v] * (v / 255.0);
                squares[c] += histogram[c, v] * (v / 255.0) * (v / 255.0);
            }

            var m = sums[c] / count;
            mean[c] = (float)m;
            std[c] = (float)Math.Max(Math.Sqrt(Math.Max(squares[c] / count - m * m, 0)), 1e-3);
        }

        return new ChannelStatistics(mean, std);
    }
}
