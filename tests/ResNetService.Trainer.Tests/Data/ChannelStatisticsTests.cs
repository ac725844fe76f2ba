using ResNetService.Trainer.Data;

namespace ResNetService.Trainer.Tests.Data;

public sealed class ChannelStatisticsTests
{
    [Fact]
    public void Mean_and_std_are_per_channel_on_the_unit_scale()
    {
        // Two 1x1 images: red 0 and 255 (mean 0.5, std 0.5), green 51 in both (std 0), blue 255 in both.
        var set = new ImageSet([0, 51, 255, 255, 51, 255], [0, 1], imageSize: 1);

        var stats = ChannelStatistics.Compute(set);

        Assert.Equal(0.5f, stats.Mean[0], 1e-6f);
        Assert.Equal(0.2f, stats.Mean[1], 1e-6f);
        Assert.Equal(1f, stats.Mean[2], 1e-6f);
        Assert.Equal(0.5f, stats.Std[0], 1e-6f);
        Assert.True(stats.Std[1] > 0, "a constant channel still gets a usable, positive std");
    }
}
