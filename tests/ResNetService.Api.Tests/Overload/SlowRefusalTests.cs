using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Overload;

/// <summary>
/// A refusal for overload is held for Batching:RefusalDelay before it is sent, on the clock the test moves, so that a
/// client resending at once cannot loop on refusals; answers that are not refusals are never held.
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class SlowRefusalTests(ServiceFixture fixture)
{
    private static readonly TimeSpan RefusalDelay = GatedService.RetryAfter; // its longest

    [Fact]
    public async Task A_refusal_for_a_full_queue_is_sent_only_once_the_refusal_delay_has_passed()
    {
        await using var service = new SlowRefusalService(fixture.Model.Path);
        await service.WaitUntilReadyAsync();
        using var client = service.CreateClient();
        var held = await CheapRejectionTests.FillAsync(service, client, queued: GatedService.Capacity);

        var holding = service.Clock.TimerStartedAsync(RefusalDelay); // watched before the refusal can start its timer
        var refused = client.PostAsync("/classify", Requests.RawBody(TestImages.Png(1)));

        // The refusal is written and waits on the test's clock, which has not moved: it cannot have been sent yet.
        Assert.Same(holding, await Task.WhenAny(holding, refused).WaitAsync(TimeSpan.FromSeconds(30)));
        using var info = await client.GetAsync("/model"); // answered while the refusal is held: not a refusal
        Assert.False(refused.IsCompleted, "the refusal was sent before the delay passed");
        service.Clock.Advance(RefusalDelay - TimeSpan.FromTicks(1));
        Assert.False(refused.IsCompleted, "the refusal was sent before the whole delay passed");

        service.Clock.Advance(TimeSpan.FromTicks(1));
        using var response = await refused.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        await OverloadRequests.AssertRefusedAsync(response, "/classify", ProblemKinds.Overloaded, "a held refusal");
        await CheapRejectionTests.ReleaseAsync(service, held);
    }

    /// <summary>The gated service with its refusals held on the clock the test moves.</summary>
    private sealed class SlowRefusalService(string modelPath)
        : GatedService(modelPath, new Dictionary<string, string?> { ["Batching:RefusalDelay"] = RefusalDelay.ToString() })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        }
    }
}
