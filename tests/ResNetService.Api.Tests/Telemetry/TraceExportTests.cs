using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using ResNetService.Api.Telemetry;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// Traces are made and exported only when a standard OTLP variable names an endpoint (with one, see
/// <see cref="TracingTests.The_spans_reach_the_otlp_collector"/>).
/// </summary>
[Collection(TelemetryTestCollection.Name)]
public sealed class TraceExportTests
{
    [Fact]
    public async Task Without_an_otlp_endpoint_no_tracer_is_registered()
    {
        using var model = new TestModel();
        await using var factory = new ServiceFactory(model.Path);

        Assert.Null(factory.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData(TelemetrySetup.OtlpEndpointKey)]
    [InlineData(TelemetrySetup.OtlpTracesEndpointKey)]
    public async Task With_an_otlp_endpoint_a_tracer_is_registered(string key)
    {
        using var model = new TestModel();
        await using var factory = new ServiceFactory(model.Path, new Dictionary<string, string?> { [key] = "http://127.0.0.1:4318" });

        Assert.NotNull(factory.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(" ", "", null)]
    [InlineData("http://collector:4317", null, "http://collector:4317")]
    [InlineData("http://collector:4317", "http://traces:4318/v1/traces", "http://traces:4318/v1/traces")]
    public void The_traces_endpoint_wins_over_the_endpoint_of_all_signals(string? all, string? traces, string? expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TelemetrySetup.OtlpEndpointKey] = all,
            [TelemetrySetup.OtlpTracesEndpointKey] = traces,
        }).Build();

        Assert.Equal(expected, TelemetrySetup.OtlpEndpoint(configuration));
    }
}
