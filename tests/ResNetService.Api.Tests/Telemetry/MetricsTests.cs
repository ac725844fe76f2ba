using System.Net;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// <c>/metrics</c>: the service's series per model and version, ASP.NET Core's request durations by route and status,
/// label values only from closed sets, and an exposition that Prometheus's own checker accepts.
/// </summary>
[Collection(TelemetryTestCollection.Name)]
public sealed class MetricsTests(MetricsService service) : IClassFixture<MetricsService>
{
    [Fact]
    public async Task Request_durations_carry_the_protocol_of_each_front_end()
    {
        var before = await service.ScrapeAsync();
        using var channel = service.Factory.CreateGrpcChannel();

        await new ResNetService.Api.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient(channel)
            .ServerMetadataAsync(new ResNetService.Api.Grpc.Protocol.ServerMetadataRequest());
        using (var v2 = await service.Client.GetAsync("/v2"))
        {
            Assert.Equal(HttpStatusCode.OK, v2.StatusCode);
        }

        await service.Client.ClassifyAsync(TestImages.Png(4));
        var after = await service.ScrapeAsync();

        double Added(string route, string protocol) =>
            after.Value("http_server_request_duration_seconds_count", ("http_route", route), ("protocol", protocol), ("http_response_status_code", "200"))
            - before.Value("http_server_request_duration_seconds_count", ("http_route", route), ("protocol", protocol), ("http_response_status_code", "200"));
        Assert.Equal(1, Added("/inference.GRPCInferenceService/ServerMetadata", "grpc"));
        Assert.Equal(1, Added("/v2/", "v2")); // the group's own route keeps its slash
        Assert.Equal(1, Added("/classify", "rest"));
    }

    [Fact]
    public async Task After_classifying_the_scrape_shows_the_models_series_and_request_durations_by_route()
    {
        var before = await service.ScrapeAsync();

        await service.Client.ClassifyAsync(TestImages.Png(1));
        await service.Client.ClassifyAsync(TestImages.Jpeg(2));
        using (var notAnImage = await service.Client.PostAsync("/classify", Requests.RawBody(TestImages.Garbage())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notAnImage.StatusCode);
        }

        var after = await service.ScrapeAsync();

        var model = service.Labels();
        double Added(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);
        Assert.Equal(2, Added("resnet_service_images_classified_total", model));
        Assert.Equal(2, Added("resnet_service_images_decoded_total", model));
        Assert.Equal(1, Added("resnet_service_images_rejected_total", [.. model, ("error_type", "not_an_image")]));
        // The images went one after the other: each ran in a batch of one, in bucket le="1".
        Assert.Equal(2, Added("resnet_service_batch_size_count", model));
        Assert.Equal(2, Added("resnet_service_batch_size_bucket", [.. model, ("le", "1")]));
        Assert.Equal(2, Added("resnet_service_inference_duration_seconds_count", model));
        Assert.Equal(2, Added("resnet_service_queue_wait_time_seconds_count", model));
        Assert.Equal(2, Added("resnet_service_queue_wait_time_seconds_bucket", [.. model, ("le", "+Inf")]));
        Assert.Equal(1, after.Single("resnet_service_model_loads_total", [.. model, ("outcome", "success")]).Value);
        Assert.Equal(1, after.Single("resnet_service_model_info", [.. model, ("model_execution_provider", "CPUExecutionProvider")]).Value);
        Assert.Equal(0, after.Single("resnet_service_queue_length", model).Value);

        // ASP.NET Core's own histogram, by route template and status code.
        (string, string)[] classify = [("http_route", "/classify"), ("http_request_method", "POST")];
        Assert.Equal(2, Added("http_server_request_duration_seconds_count", [.. classify, ("http_response_status_code", "200")]));
        Assert.Equal(1, Added("http_server_request_duration_seconds_count", [.. classify, ("http_response_status_code", "400")]));
        Assert.Equal(2, Added("http_server_request_duration_seconds_bucket", [.. classify, ("http_response_status_code", "200"), ("le", "+Inf")]));
    }

    [Fact]
    public async Task The_memory_budget_shows_its_size_and_the_bytes_each_use_holds()
    {
        await service.Client.ClassifyAsync(TestImages.Png(5));
        var scrape = await service.ScrapeAsync();

        // Hosts of other tests may run in this process too: each has its own budget and the last observed wins, so
        // these are checked as every running host's would be (a loaded model's session always takes bytes).
        Assert.True(scrape.Single("resnet_service_memory_budget_bytes").Value > 0);
        var inUse = scrape.Series("resnet_service_memory_in_use_bytes").ToList();
        Assert.Equal(["decode", "session", "upload"], inUse.Select(s => s.Labels["memory_use"]).Order());
        Assert.True(inUse.Single(s => s.Has(("memory_use", "session"))).Value > 0);
        Assert.All(inUse, s => Assert.True(s.Value >= 0));
    }

    [Fact]
    public async Task Names_that_a_client_makes_up_add_no_label_values()
    {
        var madeUp = $"madeup{Guid.NewGuid():N}";
        var before = await service.ScrapeAsync();

        using (var unknownRoute = await service.Client.GetAsync($"/{madeUp}/x"))
        using (var unknownModel = await service.Client.PostAsync($"/models/{madeUp}/classify", Requests.RawBody(TestImages.Png(3))))
        using (var unknownVersion = await service.Client.PostAsync($"/models/{service.ModelName}/versions/987654/classify", Requests.RawBody(TestImages.Png(3))))
        using (var unknownV2Model = await service.Client.GetAsync($"/v2/models/{madeUp}"))
        using (var badTop = await service.Client.PostAsync($"/classify?top={madeUp}", Requests.RawBody(TestImages.Png(3))))
        using (var oddFileName = await service.Client.PostAsync("/classify/batch", NamedFile($"../{madeUp} é*.png", TestImages.Garbage())))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknownRoute.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, unknownModel.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, unknownVersion.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, unknownV2Model.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, badTop.StatusCode);
            Assert.Equal(HttpStatusCode.OK, oddFileName.StatusCode); // the item fails, the batch answers
        }

        var after = await service.ScrapeAsync();

        Assert.DoesNotContain(madeUp, after.Text);
        Assert.DoesNotContain("987654", after.Text);
        // The unknown model was still counted: under its route template, not its name.
        Assert.Contains(after.Series("http_server_request_duration_seconds_count"), s =>
            s.Has(("http_route", "/models/{name}/classify"), ("http_response_status_code", "404")));
        // No new value of any label the service sets per model.
        foreach (var label in new[] { "model_name", "model_version", "error_type", "reason", "outcome" })
        {
            Assert.Subset(LabelValues(before, label).Concat(Known(label)).ToHashSet(), LabelValues(after, label));
        }
    }

    [Fact]
    public async Task Promtool_accepts_the_exposition()
    {
        await service.Client.ClassifyAsync(TestImages.Png(4));
        var scrape = await service.ScrapeAsync();

        var result = await Promtool.CheckMetricsAsync(scrape.Text);

        Assert.True(result.ExitCode == 0, $"promtool check metrics failed:\n{result.Output}");
    }

    private static MultipartFormDataContent NamedFile(string fileName, byte[] bytes)
    {
        var content = new MultipartFormDataContent();
        content.Add(new ByteArrayContent(bytes), "images", fileName);
        return content;
    }

    private static HashSet<string> LabelValues(Exposition scrape, string label) =>
        [.. scrape.Samples.Where(s => s.Name.StartsWith("resnet_service_")).SelectMany(s => s.Labels.Where(l => l.Key == label).Select(l => l.Value))];

    // Values the requests above may add legitimately for the first time (an image rejection kind, a 404 has none).
    private static IEnumerable<string> Known(string label) => label == "error_type" ? ["not_an_image"] : [];
}
