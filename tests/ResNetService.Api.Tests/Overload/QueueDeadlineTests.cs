using Microsoft.AspNetCore.Mvc.Testing;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Overload;

/// <summary>
/// Queued work has a deadline (Batching:QueueTimeout), and the queued work of a client that went away is dropped. The
/// model is held at a gate and the clock is the test's: nothing here depends on the speed of the machine.
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class QueueDeadlineTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Work_that_waited_past_the_queue_timeout_gets_503_instead_of_a_late_answer()
    {
        await using var service = new GatedService(fixture.Model.Path);
        await service.WaitUntilReadyAsync();
        using var client = service.CreateClient();
        var running = client.PostAsync("/classify", Requests.RawBody(TestImages.Png(1)));
        await service.Model.EnteredAsync();
        var late = client.PostAsync("/classify", Requests.RawBody(TestImages.Png(2)));
        await service.WaitUntilQueuedAsync(1);
        var lateV2 = client.SendAsync(OverloadRequests.Post("late V2", "/v2/models/test-model/infer",
            OverloadRequests.EveryRoute().Single(r => r.Name == "V2 JSON images").Content()));
        await service.WaitUntilQueuedAsync(2);

        service.Clock.Advance(GatedService.QueueTimeout + TimeSpan.FromMilliseconds(1));
        service.Model.Open();

        using (var ok = await running)
        {
            await Requests.EnsureSuccessAsync(ok);
        }

        using var timedOut = await late;
        await OverloadRequests.AssertRefusedAsync(timedOut, "/classify", ProblemKinds.QueueTimeout, "REST");
        using var timedOutV2 = await lateV2;
        await OverloadRequests.AssertRefusedAsync(timedOutV2, "/v2/models/test-model/infer", ProblemKinds.QueueTimeout, "V2");
        Assert.Equal(1, service.Model.RowsRun); // the late ones never reached the model
        // Expected under load: no line at the default levels (the test host logs Warning and above).
        Assert.Empty(service.UnexpectedRefusalLogs);

        using var after = await client.PostAsync("/classify", Requests.RawBody(TestImages.Png(3)));
        await Requests.EnsureSuccessAsync(after); // the clock moved, but fresh work waits no time
    }

    [Fact]
    public async Task The_queued_work_of_a_client_that_went_away_is_dropped_and_its_room_given_back_at_once()
    {
        await using var service = new GatedService(fixture.Model.Path);
        await service.WaitUntilReadyAsync();
        using var client = service.CreateClient(new WebApplicationFactoryClientOptions());
        var held = await CheapRejectionTests.FillAsync(service, client, queued: 0);
        using var leaving = new CancellationTokenSource();
        var gone = new[]
        {
            client.PostAsync("/classify", Requests.RawBody(TestImages.Png(7)), leaving.Token),
            client.PostAsync("/v2/models/test-model/infer", OverloadRequests.EveryRoute().Single(r => r.Name == "V2 JSON images").Content(), leaving.Token),
        };
        await service.WaitUntilQueuedAsync(GatedService.Capacity);

        await leaving.CancelAsync();

        await service.WaitUntilQueuedAsync(0); // while the model is still busy
        foreach (var request in gone)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        }

        held.Add(client.PostAsync("/classify", Requests.RawBody(TestImages.Png(8)))); // in the room they left
        await service.WaitUntilQueuedAsync(1);
        await CheapRejectionTests.ReleaseAsync(service, held);
        Assert.Equal(2, service.Model.RowsRun); // the first and the last: the abandoned ones never ran
    }
}
