using Microsoft.Extensions.Time.Testing;
using ResNetService.Inference.Hosting;
using ResNetService.Inference.Memory;

namespace ResNetService.Inference.Tests.Memory;

/// <summary>
/// The budget's rules with small numbers. Time is a <see cref="FakeTimeProvider"/>: a wait times out when a test
/// advances the clock, never because the machine is slow; a wait that must not finish is checked as not yet complete.
/// </summary>
public sealed class MemoryBudgetTests : IDisposable
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(3);
    private readonly FakeTimeProvider _time = new();
    private readonly List<string> _files = [];

    private MemoryBudget Budget(long capacity = 100, long uploadHeadroom = 0, double sessionBytesPerFileByte = 0) =>
        new(capacity, WaitTimeout, RetryAfter, _time) { UploadHeadroom = uploadHeadroom, SessionBytesPerFileByte = sessionBytesPerFileByte };

    private static Task<MemoryReservation> Decode(MemoryBudget budget, long bytes, CancellationToken cancellationToken = default) =>
        budget.AcquireAsync(bytes, MemoryUse.Decode, cancellationToken).AsTask();

    private static Task<MemoryReservation> Upload(MemoryBudget budget, long bytes) =>
        budget.AcquireAsync(bytes, MemoryUse.Upload).AsTask();

    [Fact]
    public async Task What_fits_is_taken_at_once_and_given_back_once()
    {
        var budget = Budget();

        var first = await Decode(budget, 60);
        var second = await Upload(budget, 40);
        Assert.Equal(100, budget.InUse);
        Assert.Equal(60, budget.InUseBy(MemoryUse.Decode));
        Assert.Equal(40, budget.InUseBy(MemoryUse.Upload));

        first.Dispose();
        first.Dispose(); // A second dispose gives nothing back twice.
        Assert.Equal(40, budget.InUse);
        second.Dispose();
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task A_request_that_does_not_fit_waits_until_enough_is_given_back()
    {
        var budget = Budget();
        var held = await Decode(budget, 60);
        var small = await Decode(budget, 30);

        var waiting = Decode(budget, 50);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, budget.Waiting);

        small.Dispose(); // 60 + 50 still does not fit.
        Assert.False(waiting.IsCompleted);

        held.Dispose();
        using var granted = await waiting;
        Assert.Equal(50, granted.Bytes);
        Assert.Equal(50, budget.InUse);
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public async Task Waiting_requests_are_served_in_order_and_a_large_one_is_not_overtaken_by_smaller_ones()
    {
        var budget = Budget();
        var held = await Decode(budget, 50);

        var large = Decode(budget, 80);
        var small = Decode(budget, 30); // Would fit beside the 50 held, but a large request waits ahead of it.
        Assert.False(small.IsCompleted);

        held.Dispose();
        var largeGranted = await large;
        Assert.False(small.IsCompleted); // 80 + 30 do not fit: the small one waits for the large one.

        largeGranted.Dispose();
        using var smallGranted = await small;
        Assert.Equal(30, budget.InUse);
    }

    [Fact]
    public async Task Every_waiter_that_fits_is_served_by_one_release()
    {
        var budget = Budget();
        var held = await Decode(budget, 100);
        var waiting = new[] { Decode(budget, 20), Decode(budget, 30), Decode(budget, 50) };

        held.Dispose();
        var granted = await Task.WhenAll(waiting);

        Assert.Equal(100, budget.InUse);
        Assert.Equal(0, budget.Waiting);
        Array.ForEach(granted, reservation => reservation.Dispose());
    }

    [Fact]
    public async Task Decodes_are_served_before_uploads_that_waited_longer()
    {
        var budget = Budget();
        var held = await Decode(budget, 90);

        var upload = Upload(budget, 60);
        var decode = Decode(budget, 60);
        held.Dispose();

        // A request that holds its body and waits to decode it finishes before another body is taken.
        var decodeGranted = await decode;
        Assert.False(upload.IsCompleted);
        decodeGranted.Dispose();
        using var uploadGranted = await upload;
    }

    [Fact]
    public async Task Uploads_leave_the_headroom_to_decodes()
    {
        var budget = Budget(uploadHeadroom: 40);
        Assert.Equal(60, budget.Limit(MemoryUse.Upload));

        using var bodies = await Upload(budget, 60);
        var another = Upload(budget, 10);
        Assert.False(another.IsCompleted); // 70 would eat into the headroom...

        using var decode = await Decode(budget, 40); // ...which a decode gets at once.
        Assert.Equal(100, budget.InUse);
        Assert.False(another.IsCompleted);
    }

    [Fact]
    public async Task More_than_a_use_can_ever_get_is_refused_at_once_and_holds_nothing()
    {
        var budget = Budget(uploadHeadroom: 40);

        var decode = await Assert.ThrowsAsync<MemoryBudgetExceededException>(() => Decode(budget, 101));
        var upload = await Assert.ThrowsAsync<MemoryBudgetExceededException>(() => Upload(budget, 61));

        Assert.Equal((101, 100), (decode.Requested, decode.Limit));
        Assert.Equal((61, 60), (upload.Requested, upload.Limit));
        Assert.Equal(0, budget.InUse);
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public async Task A_wait_ends_with_overload_and_retry_after_when_its_time_is_up_and_holds_nothing()
    {
        var budget = Budget();
        using var held = await Decode(budget, 100);
        var waiting = Decode(budget, 10);

        _time.Advance(WaitTimeout - TimeSpan.FromTicks(1));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));

        var overloaded = await Assert.ThrowsAsync<OverloadedException>(() => waiting);
        Assert.Equal(RetryAfter, overloaded.RetryAfter);
        Assert.Contains("memory budget", overloaded.Message);
        Assert.Equal(0, budget.Waiting);
        Assert.Equal(100, budget.InUse);
    }

    [Fact]
    public async Task When_the_head_of_the_line_gives_up_the_ones_behind_it_that_fit_go()
    {
        var budget = Budget();
        var held = await Decode(budget, 50);
        var large = Decode(budget, 80);
        _time.Advance(TimeSpan.FromSeconds(5));
        var small = Decode(budget, 30);

        _time.Advance(TimeSpan.FromSeconds(5)); // The large one's time is up; the small one has waited 5 s of its 10.

        await Assert.ThrowsAsync<OverloadedException>(() => large);
        using var smallGranted = await small;
        Assert.Equal(80, budget.InUse);
        held.Dispose();
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_the_queue_and_takes_nothing()
    {
        var budget = Budget();
        var held = await Decode(budget, 100);
        using var cancellation = new CancellationTokenSource();
        var waiting = Decode(budget, 10, cancellation.Token);

        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, budget.Waiting);
        held.Dispose();
        Assert.Equal(0, budget.InUse); // Nothing was handed to the request that went away.
    }

    [Fact]
    public async Task Without_a_wait_timeout_a_request_that_does_not_fit_is_refused_at_once()
    {
        var budget = new MemoryBudget(100, TimeSpan.Zero, RetryAfter, _time);
        using var held = await Decode(budget, 100);

        await Assert.ThrowsAsync<OverloadedException>(() => Decode(budget, 1));
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public async Task A_session_counts_at_once_even_beyond_the_capacity_and_requests_wait_until_it_is_gone()
    {
        var budget = Budget(sessionBytesPerFileByte: 1.5);
        var model = TempFile(80);

        var session = budget.ReserveSession(model);
        Assert.Equal(120, budget.InUseBy(MemoryUse.Session));

        var waiting = Decode(budget, 10);
        Assert.False(waiting.IsCompleted);

        session.Dispose();
        using var granted = await waiting;
        Assert.Equal(10, budget.InUse);
    }

    [Fact]
    public void During_a_reload_the_old_and_the_new_session_both_count()
    {
        var budget = Budget(capacity: 1000, sessionBytesPerFileByte: 2);
        var model = TempFile(100);

        var old = budget.ReserveSession(model);
        var reloaded = budget.ReserveSession(model);
        Assert.Equal(400, budget.InUse);

        old.Dispose(); // The old session is disposed once its last request has finished.
        Assert.Equal(200, budget.InUse);
        reloaded.Dispose();
        Assert.Equal(0, budget.InUse);
    }

    [Theory]
    [InlineData(100, 1000, 2, 200)] // Two cores: room for two of the largest decodes.
    [InlineData(300, 1000, 2, 500)] // Never more than half the budget...
    [InlineData(long.MaxValue / 2, 1000, 16, 500)] // ...without overflowing on huge limits.
    public void The_upload_headroom_is_one_largest_decode_per_core_and_at_most_half_the_budget(
        long largestDecode, long capacity, int cores, long headroom) =>
        Assert.Equal(headroom, MemoryBudgetSetup.UploadHeadroom(largestDecode, capacity, cores));

    private string TempFile(int bytes)
    {
        var path = Path.GetTempFileName();
        File.WriteAllBytes(path, new byte[bytes]);
        _files.Add(path);
        return path;
    }

    public void Dispose() => _files.ForEach(File.Delete);
}
