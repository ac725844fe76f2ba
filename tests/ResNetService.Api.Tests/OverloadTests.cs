using System.Net;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests;

[Collection(ServiceTestCollection.Name)]
public sealed class OverloadTests(ServiceFixture fixture)
{
    private const int QueueCapacity = 2;

    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after()
    {
        await using var factory = new ServiceFactory(fixture.Model.Path, new Dictionary<string, string?>
        {
            ["Batching:QueueCapacity"] = QueueCapacity.ToString(),
            ["Batching:MaxBatchSize"] = "1",
            ["Batching:MaxBatchDelay"] = "00:00:01",
            ["Batching:RetryAfter"] = "00:00:03",
        });
        await factory.WaitUntilReadyAsync();
        using var client = factory.CreateClient();

        // A batch is queued all or nothing: one image more than the queue holds is refused at once.
        using var fits = await client.PostAsync("/classify/batch",
            Requests.Multipart("images", [.. Enumerable.Range(0, QueueCapacity).Select(TestImages.Png)]));
        using var overflows = await client.PostAsync("/classify/batch",
            Requests.Multipart("images", [.. Enumerable.Range(0, QueueCapacity + 1).Select(TestImages.Png)]));

        await Requests.EnsureSuccessAsync(fits);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, overflows.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), overflows.Headers.RetryAfter?.Delta);
        Assert.Equal(ProblemKinds.Overloaded.Type, (await overflows.ReadProblemAsync()).Type);
    }

    [Fact]
    public async Task Concurrent_single_requests_beyond_the_queue_get_503_and_the_others_their_answers()
    {
        await using var factory = new ServiceFactory(fixture.Model.Path, new Dictionary<string, string?>
        {
            ["Batching:QueueCapacity"] = "1",
            ["Batching:MaxBatchSize"] = "1",
        });
        await factory.WaitUntilReadyAsync();
        using var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(i =>
            Task.Run(() => client.PostAsync("/classify", Requests.RawBody(TestImages.Png(i))))));

        Assert.All(responses, response =>
        {
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable });
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        });
        Assert.Contains(responses, response => response.StatusCode == HttpStatusCode.OK);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
