using ResNetService.Inference.Model;

namespace ResNetService.Inference.Tests;

public sealed class OrtEnvironmentTests
{
    [Fact]
    public async Task Cpu_turns_let_one_run_at_a_time()
    {
        var first = OrtEnvironment.TakeCpuTurn();
        var second = CpuTurnTaker.Start();

        // While the first turn is held the second is blocked inside TakeCpuTurn (a state), not merely slow to return.
        await second.BlockedAsync();
        first.Dispose();
        first.Dispose(); // Disposing twice gives the turn back once.
        using var turn = await second.Turn.WaitAsync(TimeSpan.FromSeconds(30));
        var third = CpuTurnTaker.Start();
        await third.BlockedAsync();
        turn.Dispose();
        (await third.Turn.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }

    /// <summary>
    /// Takes a CPU turn on a thread of its own, so that the test can see that thread blocked in the wait: a gate that let
    /// it through would end the thread with a turn instead, never blocked.
    /// </summary>
    private sealed class CpuTurnTaker
    {
        private readonly TaskCompletionSource<IDisposable> _turn = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _asking = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Thread _thread;

        private CpuTurnTaker() => _thread = new Thread(TakeTurn) { IsBackground = true };

        public Task<IDisposable> Turn => _turn.Task;

        public static CpuTurnTaker Start()
        {
            var taker = new CpuTurnTaker();
            taker._thread.Start();
            return taker;
        }

        private void TakeTurn()
        {
            _asking.SetResult();
            _turn.SetResult(OrtEnvironment.TakeCpuTurn());
        }

        /// <summary>Waits (bounded) until the thread is blocked asking for its turn; fails when it got the turn instead.</summary>
        public async Task BlockedAsync()
        {
            await _asking.Task.WaitAsync(TimeSpan.FromSeconds(30));
            for (var attempt = 0; attempt < 3000 && !Turn.IsCompleted && !_thread.ThreadState.HasFlag(ThreadState.WaitSleepJoin); attempt++)
            {
                await Task.Delay(10);
            }

            Assert.False(Turn.IsCompleted, "the turn was given while another was held");
            Assert.True(_thread.ThreadState.HasFlag(ThreadState.WaitSleepJoin), "the thread never blocked waiting for its turn");
        }
    }
}
