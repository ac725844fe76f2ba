using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// The service serving the test model under a name of its own: meters are process-wide, so other tests' hosts in the
/// same test run show up in a scrape too, and a unique name tells this service's series apart.
/// </summary>
public sealed class MetricsService : IAsyncLifetime
{
    public TestModel Model { get; } = new();

    public string ModelName { get; } = $"metrics-{Guid.NewGuid():N}"[..16];

    public ServiceFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory = new UncachedScrapes(Model.Path, new Dictionary<string, string?> { ["Model:Name"] = ModelName });
        await Factory.WaitUntilReadyAsync();
        Client = Factory.CreateClient();
    }

    /// <summary>The labels of this service's model on the service's own series.</summary>
    public (string Label, string Value)[] Labels() => [("model_name", ModelName), ("model_version", "1")];

    public async Task<Exposition> ScrapeAsync()
    {
        using var response = await Client.GetAsync("/metrics");
        await Requests.EnsureSuccessAsync(response);
        return new Exposition(await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        Model.Dispose();
    }

    /// <summary>
    /// The exporter answers scrapes within 300 ms of each other from a cache; a test that scrapes before and after
    /// its requests needs every scrape fresh.
    /// </summary>
    public sealed class UncachedScrapes(string modelPath, IReadOnlyDictionary<string, string?> overrides) : ServiceFactory(modelPath, overrides)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
                services.Configure<PrometheusAspNetCoreOptions>(options => options.ScrapeResponseCacheDurationMilliseconds = 0));
        }
    }
}
