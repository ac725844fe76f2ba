using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ResNetService.Api.Grpc.Protocol;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Grpc;
using ResNetService.Api.Tests.Support;
using ResNetService.Inference.Images;
using ResNetService.Inference.Memory;
using SkiaSharp;

namespace ResNetService.Api.Tests;

/// <summary>
/// The service under a small memory budget (Memory:BudgetBytes). The request that holds the memory first stands in as
/// a reservation the test takes from the service's own budget and gives back when it chooses; time is a
/// <see cref="FakeTimeProvider"/>, so a wait times out when the test advances it, never because the machine is slow.
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class MemoryBudgetTests(ServiceFixture fixture)
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(20);
    private static readonly byte[] Image = TestImages.Draw(3, SKEncodedImageFormat.Png, width: 1000, height: 800);

    /// <summary>What decoding <see cref="Image"/> weighs: about 4.3 MB (3.2 MB of pixels, their mipmaps, the file).</summary>
    private static readonly long DecodeWeight = DecodeMemory.Bytes(ImageDecoder.Plan(Image, new ImageLimits()));

    [Theory]
    [InlineData("/classify", false)]
    [InlineData("/classify/batch", true)]
    public async Task With_room_for_one_decode_a_second_request_waits_its_turn_and_is_answered(string route, bool multipart)
    {
        var time = new FakeTimeProvider();
        await using var service = await StartAsync(time, budgetBytes: 2 * DecodeWeight - 1);
        var budget = service.Services.GetRequiredService<MemoryBudget>();
        using var client = service.CreateClient();
        var firstDecode = await budget.AcquireAsync(DecodeWeight, MemoryUse.Decode);

        var second = client.PostAsync(route, multipart ? Requests.Multipart("images", Image) : Requests.RawBody(Image));
        await Eventually(() => budget.Waiting == 1, "the second request waits for memory");
        Assert.False(second.IsCompleted);

        firstDecode.Dispose();
        using var response = await second;

        await Requests.EnsureSuccessAsync(response);
        await Eventually(() => budget.InUse == 0, "everything the second request took is given back");
    }

    [Fact]
    public async Task A_request_that_waited_longer_than_the_wait_timeout_gets_503_with_retry_after()
    {
        var time = new FakeTimeProvider();
        await using var service = await StartAsync(time, budgetBytes: 2 * DecodeWeight - 1);
        var budget = service.Services.GetRequiredService<MemoryBudget>();
        using var client = service.CreateClient();
        using var firstDecode = await budget.AcquireAsync(DecodeWeight, MemoryUse.Decode);

        var second = client.PostAsync("/classify", Requests.RawBody(Image));
        await Eventually(() => budget.Waiting == 1, "the second request waits for memory");
        time.Advance(WaitTimeout);
        using var response = await second;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(4), response.Headers.RetryAfter?.Delta);
        Assert.Equal(ProblemKinds.Overloaded.Type, (await response.ReadProblemAsync()).Type);
        Assert.Equal((DecodeWeight, 0), (budget.InUse, budget.Waiting));
    }

    [Fact]
    public async Task An_image_heavier_than_the_whole_budget_gets_413_at_once()
    {
        await using var service = await StartAsync(new FakeTimeProvider(), budgetBytes: DecodeWeight - 1);
        var budget = service.Services.GetRequiredService<MemoryBudget>();
        using var client = service.CreateClient();

        // 413, not 503: no wait or retry would ever make room for it; a smaller image would be decoded.
        using var response = await client.PostAsync("/classify", Requests.RawBody(Image));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal(ProblemKinds.TooManyPixels.Type, problem.Type);
        Assert.Contains("Memory:BudgetBytes", problem.Detail);
        await Eventually(() => budget.InUse == 0, "the body's share is given back");
    }

    [Fact]
    public async Task A_body_larger_than_uploads_may_hold_gets_413_at_once()
    {
        // Uploads may hold half of a 100 KB budget; the body is refused before it is read.
        await using var service = await StartAsync(new FakeTimeProvider(), budgetBytes: 100_000);
        using var client = service.CreateClient();

        using var response = await client.PostAsync("/classify", Requests.RawBody(TestImages.Garbage(80_000), "application/octet-stream"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(ProblemKinds.RequestTooLarge.Type, (await response.ReadProblemAsync()).Type);
    }

    [Fact]
    public async Task A_grpc_message_heavier_than_uploads_may_hold_is_resource_exhausted_and_a_light_one_is_answered()
    {
        await using var service = await StartAsync(new FakeTimeProvider(), budgetBytes: 100_000);
        using var channel = service.CreateGrpcChannel();
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(GrpcRequests.Image(TestImages.Garbage(80_000))).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("budget", error.Status.Detail);
        await client.ModelInferAsync(GrpcRequests.Image(TestImages.Png(1))); // its memory was never taken
        Assert.Equal(0, service.Services.GetRequiredService<MemoryBudget>().InUseBy(MemoryUse.Upload));
    }

    [Fact]
    public async Task A_request_that_fails_gives_its_memory_back()
    {
        await using var service = await StartAsync(new FakeTimeProvider(), budgetBytes: 4 * DecodeWeight);
        var budget = service.Services.GetRequiredService<MemoryBudget>();
        using var client = service.CreateClient();

        using var garbage = await client.PostAsync("/classify", Requests.RawBody(TestImages.Garbage(20_000)));
        using var truncated = await client.PostAsync("/classify/batch", Requests.Multipart("images", TestImages.Truncated(Image), Image));

        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, truncated.StatusCode); // The batch answers; its truncated image fails alone.
        await Eventually(() => budget.InUse == 0, "the bodies' and the decodes' shares are given back");
    }

    [Fact]
    public async Task A_client_that_goes_away_while_waiting_leaves_nothing_behind()
    {
        await using var service = await StartAsync(new FakeTimeProvider(), budgetBytes: 2 * DecodeWeight - 1);
        var budget = service.Services.GetRequiredService<MemoryBudget>();
        using var client = service.CreateClient();
        var firstDecode = await budget.AcquireAsync(DecodeWeight, MemoryUse.Decode);
        using var cancellation = new CancellationTokenSource();

        var second = client.PostAsync("/classify", Requests.RawBody(Image), cancellation.Token);
        await Eventually(() => budget.Waiting == 1, "the second request waits for memory");
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        await Eventually(() => budget.Waiting == 0, "the abandoned request leaves the queue");
        firstDecode.Dispose();
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public void The_loaded_model_counts_in_the_budget_at_two_bytes_per_byte_of_its_file()
    {
        var budget = fixture.Factory.Services.GetRequiredService<MemoryBudget>();

        Assert.Equal(2 * new FileInfo(fixture.Model.Path).Length, budget.InUseBy(MemoryUse.Session));
    }

    /// <summary>The service with <paramref name="budgetBytes"/> for requests alone (its session weighs nothing here).</summary>
    private async Task<ServiceFactory> StartAsync(FakeTimeProvider time, long budgetBytes)
    {
        var service = new FakeClockServiceFactory(time, fixture.Model.Path, new Dictionary<string, string?>
        {
            ["Memory:BudgetBytes"] = budgetBytes.ToString(),
            ["Memory:SessionBytesPerFileByte"] = "0",
            ["Memory:WaitTimeout"] = WaitTimeout.ToString(),
            ["Batching:RetryAfter"] = "00:00:04",
        });
        await service.WaitUntilReadyAsync();
        return service;
    }

    /// <summary>Waits (at most a minute) for something the service does on its own threads: an event, not a speed.</summary>
    private static async Task Eventually(Func<bool> condition, string what)
    {
        for (var attempt = 0; attempt < 3000 && !condition(); attempt++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition(), $"Not seen within a minute: {what}.");
    }

    private sealed class FakeClockServiceFactory(TimeProvider time, string modelPath, IReadOnlyDictionary<string, string?> overrides)
        : ServiceFactory(modelPath, overrides)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton(time));
        }
    }
}
