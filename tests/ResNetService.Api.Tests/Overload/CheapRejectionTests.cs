using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Overload;

/// <summary>
/// Under overload a refusal must cost next to nothing: with the model held at a gate and the queue full behind it,
/// every inference route answers 503 before it reads the request's body (the bytes read are counted per request).
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class CheapRejectionTests(ServiceFixture fixture)
{
    [Fact]
    public async Task A_full_queue_refuses_every_inference_route_before_reading_the_body()
    {
        await using var service = new GatedService(fixture.Model.Path);
        await service.WaitUntilReadyAsync();
        using var client = service.CreateClient();
        var held = await FillAsync(service, client, queued: GatedService.Capacity);
        var overloadedBefore = service.Classifier.Statistics.Overloaded;

        var routes = OverloadRequests.EveryRoute().ToList();
        foreach (var (name, route, content) in routes)
        {
            using var response = await client.SendAsync(OverloadRequests.Post(name, route, content()));

            await OverloadRequests.AssertRefusedAsync(response, route, ProblemKinds.Overloaded, name);
            Assert.True(service.BodyReads.Of(name) == 0, $"{name}: {service.BodyReads.Of(name)} body bytes read before refusing");
        }

        Assert.Equal(overloadedBefore + routes.Count, service.Classifier.Statistics.Overloaded);
        using var html = OverloadRequests.Post("accepts html", "/classify", Requests.RawBody(TestImages.Png(1)));
        html.Headers.Accept.ParseAdd("text/html");
        using var htmlResponse = await client.SendAsync(html);
        await OverloadRequests.AssertRefusedAsync(htmlResponse, "/classify", ProblemKinds.Overloaded, "a client that accepts only HTML");
        // Expected under load: no line at the default levels (the test host logs Warning and above).
        Assert.Empty(service.UnexpectedRefusalLogs);
        await ReleaseAsync(service, held);
        Assert.Equal(1 + GatedService.Capacity, service.Model.RowsRun); // nothing refused reached the model
    }

    [Fact]
    public async Task A_batch_that_cannot_all_fit_is_refused_after_counting_its_images_and_one_that_fits_is_taken()
    {
        await using var service = new GatedService(fixture.Model.Path);
        await service.WaitUntilReadyAsync();
        using var client = service.CreateClient();
        var held = await FillAsync(service, client, queued: GatedService.Capacity - 1); // room for one

        foreach (var (name, route, content) in OverloadRequests.EveryRoute(images: 2))
        {
            using var response = await client.SendAsync(OverloadRequests.Post(name, route, content()));

            await OverloadRequests.AssertRefusedAsync(response, route, ProblemKinds.Overloaded, name);
            Assert.True(service.BodyReads.Of(name) > 0, $"{name}: one image fits, so the body is read to count them");
        }

        var fits = client.PostAsync("/classify/batch", Requests.Multipart("images", TestImages.Png(9)));
        await service.WaitUntilQueuedAsync(GatedService.Capacity);
        await ReleaseAsync(service, [.. held, fits]);
        Assert.Equal(1 + GatedService.Capacity, service.Model.RowsRun);
    }

    /// <summary>One request running (held at the gate) and <paramref name="queued"/> waiting behind it.</summary>
    internal static async Task<List<Task<HttpResponseMessage>>> FillAsync(GatedService service, HttpClient client, int queued)
    {
        var held = new List<Task<HttpResponseMessage>> { client.PostAsync("/classify", Requests.RawBody(TestImages.Png(100))) };
        await service.Model.EnteredAsync();
        for (var i = 1; i <= queued; i++)
        {
            held.Add(client.PostAsync("/classify", Requests.RawBody(TestImages.Png(100 + i))));
            await service.WaitUntilQueuedAsync(i);
        }

        return held;
    }

    /// <summary>Opens the gate; every held request must then be answered 200.</summary>
    internal static async Task ReleaseAsync(GatedService service, IEnumerable<Task<HttpResponseMessage>> held)
    {
        service.Model.Open();
        foreach (var response in await Task.WhenAll(held))
        {
            using (response)
            {
                await Requests.EnsureSuccessAsync(response);
            }
        }
    }
}
