using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ResNetService.Api.Health;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;
using ResNetService.Inference.Repository;

namespace ResNetService.Api.Tests;

[Collection(ServiceTestCollection.Name)]
public sealed class HealthTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Live_answers_healthy()
    {
        using var response = await fixture.Client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", Json(await response.Content.ReadAsStringAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_after_warm_up_names_the_model_and_provider()
    {
        using var response = await fixture.Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var model = Json(await response.Content.ReadAsStringAsync()).GetProperty("checks").GetProperty("model");
        Assert.Equal("Healthy", model.GetProperty("status").GetString());
        Assert.Equal("test-model", model.GetProperty("data").GetProperty("model").GetString());
        Assert.Equal("CPUExecutionProvider", model.GetProperty("data").GetProperty("executionProvider").GetString());
    }

    [Fact]
    public async Task Ready_on_the_cpu_under_auto_says_why_not_cuda_as_model_info_does()
    {
        await using var factory = new ServiceFactory(fixture.Model.Path, new Dictionary<string, string?> { ["Model:ExecutionProvider"] = "Auto" });
        await factory.WaitUntilReadyAsync();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health/ready");
        var data = Json(await response.Content.ReadAsStringAsync()).GetProperty("checks").GetProperty("model").GetProperty("data");
        var info = Json(await client.GetStringAsync("/model"));

        var reason = data.GetProperty("executionProviderFallbackReason").GetString();
        Assert.Contains("no CUDA provider", reason);
        Assert.Equal(info.GetProperty("executionProvider").GetProperty("fallbackReason").GetString(), reason);
    }

    [Fact]
    public async Task Ready_with_cpu_chosen_has_no_fallback_reason()
    {
        using var response = await fixture.Client.GetAsync("/health/ready");

        var data = Json(await response.Content.ReadAsStringAsync()).GetProperty("checks").GetProperty("model").GetProperty("data");
        Assert.False(data.TryGetProperty("executionProviderFallbackReason", out _));
    }

    [Fact]
    public async Task The_readiness_check_is_unhealthy_until_the_default_model_is_loaded()
    {
        using var repository = new ModelRepository();
        var check = new ModelReadyHealthCheck(repository);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task Before_the_model_is_ready_the_service_is_live_but_not_ready_and_refuses_work()
    {
        // A default model whose only version does not serve: what the service looks like while a model loads or drains.
        await using var factory = new NotReadyService(fixture.Model.Path);
        using var client = factory.CreateClient();

        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");
        using var model = await client.GetAsync("/model");
        using var classify = await client.PostAsync("/classify", Requests.RawBody(TestImages.Png(1)));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        foreach (var response in new[] { model, classify })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(ProblemKinds.NotReady.Type, (await response.ReadProblemAsync()).Type);
            Assert.NotNull(response.Headers.RetryAfter);
        }
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
