using ResNetService.Inference.Batching;

namespace ResNetService.Inference.Tests.Overload;

/// <summary>The measured time per image that admission multiplies: a decayed mean over runs, weighted by their rows.</summary>
public sealed class ImageTimeTests
{
    [Fact]
    public void It_is_zero_until_measured_then_the_time_of_a_run_per_row()
    {
        var time = new ImageTime();
        Assert.Equal(TimeSpan.Zero, time.PerImage);

        time.Record(8, TimeSpan.FromMilliseconds(800));

        Assert.Equal(TimeSpan.FromMilliseconds(100), time.PerImage);
    }

    [Fact]
    public void A_lone_slow_image_moves_it_less_than_a_full_slow_batch()
    {
        var lone = new ImageTime();
        var full = new ImageTime();
        lone.Record(8, TimeSpan.FromMilliseconds(800));
        full.Record(8, TimeSpan.FromMilliseconds(800));

        lone.Record(1, TimeSpan.FromMilliseconds(300)); // 300 ms per image, 1 row
        full.Record(8, TimeSpan.FromMilliseconds(2400)); // 300 ms per image, 8 rows

        // (0.8 x 0.8 s + 0.3 s) / (0.8 x 8 + 1) and (0.8 x 0.8 s + 2.4 s) / (0.8 x 8 + 8)
        Assert.Equal(127.03, lone.PerImage.TotalMilliseconds, 0.01);
        Assert.Equal(211.11, full.PerImage.TotalMilliseconds, 0.01);
    }
}
