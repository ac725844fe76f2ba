using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ResNetService.Api.Models;
using ResNetService.Api.Tests.Support;
using ResNetService.Api.Tests.Telemetry;
using Serilog.Events;

namespace ResNetService.Api.Tests.Repository;

/// <summary>
/// The readiness rules with a corrupt model beside a good one: by default the server stays ready and the bad model is
/// shown on its own (listing, V2 model readiness, gauges); in strict mode the server is not ready until the bad model
/// goes. Either way probes log nothing at Warning or above, and the refused file is one Warning. In the telemetry
/// collection, because it reads the process-wide gauges.
/// </summary>
[Collection(TelemetryTestCollection.Name)]
public sealed class ReadinessTests
{
    [Fact]
    public async Task By_default_a_corrupt_model_leaves_the_server_ready_and_is_shown_on_its_own()
    {
        await using var service = await StartBrokenAsync(strict: false);
        var client = service.Client;
        await service.Factory.WaitUntilReadyAsync(); // every model found has been tried

        var probes = await ProbeAcrossPassesAsync(service, times: 3);
        using var corruptReady = await client.GetAsync("/v2/models/corrupt/ready");
        using var goodReady = await client.GetAsync("/v2/models/good/ready");
        using var good = await client.PostAsync("/models/good/classify", Requests.RawBody(TestImages.Png(1)));
        using var scrape = await client.GetAsync("/metrics");
        var metrics = new Exposition(await scrape.Content.ReadAsStringAsync());

        Assert.All(probes, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.BadRequest, corruptReady.StatusCode);
        Assert.Equal(HttpStatusCode.OK, goodReady.StatusCode);
        await Requests.EnsureSuccessAsync(good);
        Assert.Equal(0, metrics.Single("resnet_service_model_serving_versions", ("model_name", "corrupt")).Value);
        Assert.Equal(1, metrics.Single("resnet_service_model_serving_versions", ("model_name", "good")).Value);
        Assert.Equal(1, metrics.Single("resnet_service_model_serving_versions", ("model_name", service.DefaultModel.Name)).Value);
        Assert.Equal(1, metrics.Single("resnet_service_ready").Value);
        AssertOnlyTheRefusalWarned(service);
    }

    [Fact]
    public async Task In_strict_mode_the_server_is_not_ready_while_a_model_cannot_serve_and_ready_once_it_is_gone()
    {
        await using var service = await StartBrokenAsync(strict: true);
        var client = service.Client;

        var probes = await ProbeAcrossPassesAsync(service, times: 3);
        using var v2 = await client.GetAsync("/v2/health/ready");
        using var ready = await client.GetAsync("/health/ready");
        var repository = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("repository");
        using var good = await client.PostAsync("/models/good/classify", Requests.RawBody(TestImages.Png(2)));
        using var scrape = await client.GetAsync("/metrics");
        var notReady = new Exposition(await scrape.Content.ReadAsStringAsync()).Single("resnet_service_ready").Value;

        Assert.All(probes, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
        Assert.Equal(HttpStatusCode.BadRequest, v2.StatusCode); // the protocol's "not ready"
        Assert.Equal("Unhealthy", repository.GetProperty("status").GetString());
        Assert.Contains("corrupt", repository.GetProperty("description").GetString());
        Assert.Equal(0, notReady);
        await Requests.EnsureSuccessAsync(good); // not ready for the fleet, yet every model that can serve does

        Directory.Delete(Path.Combine(service.Repository.Root, "corrupt"), recursive: true);
        await service.Factory.WaitUntilReadyAsync();
        AssertOnlyTheRefusalWarned(service);
    }

    private static async Task<RepositoryService> StartBrokenAsync(bool strict)
    {
        var service = new RepositoryService();
        service.Repository.AddVersion("good", 1, 3, ["a", "b", "c"]);
        service.Repository.Write("corrupt/1/model.onnx", "these bytes are not an ONNX model");
        service.Start(new Dictionary<string, string?>
        {
            ["ModelRepository:StrictReadiness"] = strict.ToString(),
            ["ModelRepository:PollInterval"] = "00:00:00.1",
            ["ModelRepository:SettleTime"] = "00:00:00",
        });
        // Both models tried: the corrupt one shows why it cannot serve.
        await RepositoryService.WaitUntilAsync(async () =>
            (await service.Client.GetFromJsonAsync<RepositoryResponse>("/models", Requests.Json))!.Models
                .SingleOrDefault(model => model.Name == "corrupt")?.Versions.Single().State == "unavailable");
        return service;
    }

    /// <summary>
    /// Probes readiness <paramref name="times"/> times, each after a later pass of the repository: a model folder added
    /// before each probe must be ready first, and the pass that loaded it saw the refused file again. So the refusal is
    /// known not to be repeated across passes that really happened, however slow the machine.
    /// </summary>
    private static async Task<List<HttpStatusCode>> ProbeAcrossPassesAsync(RepositoryService service, int times)
    {
        var statuses = new List<HttpStatusCode>();
        for (var probe = 0; probe < times; probe++)
        {
            var marker = $"pass-{probe}";
            service.Repository.AddVersion(marker, 1, 3, ["a", "b", "c"]);
            await RepositoryService.WaitUntilAsync(async () =>
                (await service.Client.GetFromJsonAsync<RepositoryResponse>("/models", Requests.Json))!.Models
                    .SingleOrDefault(model => model.Name == marker)?.Versions.Single().State == "ready");
            using var response = await service.Client.GetAsync("/health/ready");
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    /// <summary>One Warning, for the refused file, across every probe and poll; nothing at Error.</summary>
    private static void AssertOnlyTheRefusalWarned(RepositoryService service)
    {
        var lines = service.Factory.Log.AtLeast(LogEventLevel.Warning);
        var line = Assert.Single(lines);
        Assert.StartsWith("Warning", line);
        Assert.Contains("Model \"corrupt\" version 1", line);
        Assert.Contains("was refused", line);
    }
}
