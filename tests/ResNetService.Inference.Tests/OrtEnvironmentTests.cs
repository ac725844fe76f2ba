using ResNetService.Inference.Model;

namespace ResNetService.Inference.Tests;

public sealed class OrtEnvironmentTests
{
    [Fact]
    public async Task Cpu_turns_let_one_run_at_a_time()
    {
        var first = OrtEnvironment.TakeCpuTurn();
        var second = Task.Run(OrtEnvironment.TakeCpuTurn);

        // While the first turn is held the second cannot start (a correct gate never lets this pass early).
        Assert.NotSame(second, await Task.WhenAny(second, Task.Delay(200)));
        first.Dispose();
        first.Dispose(); // Disposing twice gives the turn back once.
        using var turn = await second.WaitAsync(TimeSpan.FromSeconds(30));
        var third = Task.Run(OrtEnvironment.TakeCpuTurn);
        Assert.NotSame(third, await Task.WhenAny(third, Task.Delay(200)));
        turn.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }
}
