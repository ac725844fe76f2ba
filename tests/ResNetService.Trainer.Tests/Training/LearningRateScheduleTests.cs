using ResNetService.Trainer.Training;

namespace ResNetService.Trainer.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Cosine_starts_at_the_base_rate_halves_midway_and_ends_at_zero()
    {
        var schedule = new LearningRateSchedule(LearningRateSchedule.Cosine, 0.1, 100);

        Assert.Equal(0.1, schedule.At(0), 12);
        Assert.Equal(0.05, schedule.At(50), 12);
        Assert.Equal(0, schedule.At(100), 12);
    }

    [Fact]
    public void One_cycle_warms_up_to_the_base_rate_then_anneals_far_below_the_start()
    {
        var schedule = new LearningRateSchedule(LearningRateSchedule.OneCycle, 0.1, 100);

        Assert.Equal(0.1 / 25, schedule.At(0), 12);
        Assert.Equal(0.1, schedule.At(30), 12);
        Assert.True(schedule.At(15) is > 0.004 and < 0.1);
        Assert.Equal(0.1 / 25 / 1e4, schedule.At(100), 12);
    }
}
