namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// Meters, activity sources and Serilog's static logger are process-wide: beside other test hosts, a scrape, a trace or
/// a log line may come from another host, and a host that stops ends ASP.NET Core's metric streams that the hosts'
/// identical meters share. The telemetry tests run alone, after the others, one host at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryTestCollection
{
    public const string Name = "telemetry";
}
