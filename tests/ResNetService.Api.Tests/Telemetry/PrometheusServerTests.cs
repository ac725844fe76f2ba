using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>A real Prometheus server scrapes the service on a real port and answers PromQL about it.</summary>
[Collection(TelemetryTestCollection.Name)]
public sealed class PrometheusServerTests
{
    [Fact]
    public async Task Prometheus_scrapes_the_service_and_answers_a_query_about_its_images()
    {
        using var model = new TestModel();
        var name = $"scraped-{Guid.NewGuid():N}"[..16];
        await using var factory = new ServiceFactory(model.Path, new Dictionary<string, string?> { ["Model:Name"] = name });
        var address = factory.StartOnLoopback();
        await factory.WaitUntilReadyAsync();
        using var client = factory.CreateClient();
        await client.ClassifyAsync(TestImages.Png(1));
        await client.ClassifyAsync(TestImages.Png(2));

        await using var prometheus = await PrometheusServer.StartAsync(address.Authority);

        Assert.Equal(1, await prometheus.QueryUntilFoundAsync("up{job=\"resnet-service\"} == 1"));
        Assert.Equal(2, await prometheus.QueryUntilFoundAsync($"resnet_service_images_classified_total{{model_name=\"{name}\",model_version=\"1\"}} > 0"));
        Assert.Equal(1, await prometheus.QueryUntilFoundAsync($"resnet_service_model_info{{model_name=\"{name}\",model_execution_provider=\"CPUExecutionProvider\"}}"));
    }

    [Fact]
    public async Task Prometheus_divides_the_memory_in_use_by_the_budget_as_the_alert_does()
    {
        using var model = new TestModel();
        await using var factory = new ServiceFactory(model.Path, new Dictionary<string, string?> { ["Model:Name"] = $"memory-{Guid.NewGuid():N}"[..16] });
        var address = factory.StartOnLoopback();
        await factory.WaitUntilReadyAsync();

        await using var prometheus = await PrometheusServer.StartAsync(address.Authority);

        // The expression of docker/monitoring/alerts.yml's ResNetServiceMemoryBudgetNearlyExhausted without its
        // threshold: the two gauges' real label sets must meet in one series, a loaded model's share of the budget.
        var used = await prometheus.QueryUntilFoundAsync(
            "sum by (job, instance) (resnet_service_memory_in_use_bytes) / sum by (job, instance) (resnet_service_memory_budget_bytes)");
        Assert.InRange(used, double.Epsilon, 1);
    }
}
