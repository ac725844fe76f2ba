using Google.Rpc;
using Grpc.Core;
using ResNetService.Api.Grpc.Protocol;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Grpc;
using ResNetService.Api.Tests.Support;
using static ResNetService.Api.Tests.V2.V2Requests;

namespace ResNetService.Api.Tests.Overload;

/// <summary>
/// Admission by work on every front end: with the model's measured time per image at 2 s (the gated model moves the
/// test's clock by that much per image) and a queue timeout of 5 s, two queued images are 4 s of work and a third
/// would wait 6 s, so every route refuses it at the door with 503 and Retry-After (gRPC: UNAVAILABLE with RetryInfo),
/// although the queue's image count has room for many more.
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class AdmissionByWorkTests(ServiceFixture fixture)
{
    private static readonly TimeSpan PerImage = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Work_that_would_wait_past_the_queue_timeout_is_refused_on_every_route_while_the_count_has_room()
    {
        await using var service = new GatedService(fixture.Model.Path, capacity: 16);
        service.Model.Taking(PerImage, service.Clock);
        await service.WaitUntilReadyAsync();
        using var client = service.CreateClient();
        service.Model.Open();
        await Requests.EnsureSuccessAsync(await client.PostAsync("/classify", Requests.RawBody(TestImages.Png(1)))); // measures 2 s
        await service.Model.EnteredAsync();
        service.Model.Close();
        var held = await CheapRejectionTests.FillAsync(service, client, queued: 2); // 4 s of work waiting

        foreach (var (name, route, content) in OverloadRequests.EveryRoute())
        {
            using var response = await client.SendAsync(OverloadRequests.Post(name, route, content()));

            await OverloadRequests.AssertRefusedAsync(response, route, ProblemKinds.Overloaded, name);
            Assert.Contains("queue timeout of 5000 ms", await response.Content.ReadAsStringAsync());
        }

        using var channel = service.CreateGrpcChannel();
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelInferAsync(GrpcRequests.Tensor(Tensor(1, seed: 4))).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("queue timeout", error.Status.Detail);
        Assert.Equal(GatedService.RetryAfter, error.GetRpcStatus()!.GetDetail<RetryInfo>().RetryDelay.ToTimeSpan());

        Assert.Equal(2, service.Classifier.Statistics.QueueLength); // 14 places left by count
        Assert.Empty(service.UnexpectedRefusalLogs);
        await CheapRejectionTests.ReleaseAsync(service, held); // the admitted ones are answered, none timed out
        Assert.Equal(4, service.Model.RowsRun);
    }
}
