namespace ResNetService.Quantization.Tests;

public sealed class RangeHistogramTests
{
    [Fact]
    public void Min_max_is_the_extremes_and_a_percentile_clips_rare_outliers()
    {
        var histogram = new RangeHistogram();
        var random = new Random(1);
        var bulk = Enumerable.Range(0, 100_000).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        histogram.Add(bulk);
        histogram.Add([40f, -30f]); // two outliers in 100,002 values

        Assert.Equal(new TensorRange(-30f, 40f), histogram.MinMax);
        var clipped = histogram.Percentile(99.99);
        Assert.InRange(clipped.Min, -1.1f, -0.9f);
        Assert.InRange(clipped.Max, 0.9f, 1.1f);
    }

    [Fact]
    public void A_relu_output_keeps_zero_as_its_low_end()
    {
        var histogram = new RangeHistogram();
        histogram.Add([.. Enumerable.Repeat(0f, 5000), .. Enumerable.Range(1, 5000).Select(i => i / 1000f)]);

        var range = histogram.Percentile(99.9);

        Assert.Equal(0f, range.Min);
        Assert.InRange(range.Max, 4.9f, 5.0f);
    }

    [Fact]
    public void Later_batches_beyond_the_span_widen_it_and_keep_the_earlier_counts()
    {
        var histogram = new RangeHistogram();
        histogram.Add([.. Enumerable.Range(0, 1000).Select(i => i / 1000f)]);
        histogram.Add([.. Enumerable.Range(0, 1000).Select(i => 10 + i / 1000f)]);

        Assert.Equal(2000, histogram.Count);
        Assert.Equal(new TensorRange(0f, 10.999f), histogram.MinMax);
        // Clipping a quarter at each end leaves the upper half of the first batch and the lower half of the second:
        // the first batch's counts survived the move into the wider bins.
        Assert.InRange(histogram.Percentile(75).Min, 0.45f, 0.55f);
        Assert.InRange(histogram.Percentile(75).Max, 10.45f, 10.55f);
    }
}
