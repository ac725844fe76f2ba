using System.Text.Json;
using System.Text.RegularExpressions;
using ResNetService.TestSupport;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>One panel of the Grafana dashboard: its title and the PromQL of its targets, as written.</summary>
public sealed record DashboardPanel(string Title, IReadOnlyList<string> Expressions);

/// <summary>
/// <c>docker/monitoring/grafana-dashboard.json</c> read for tests: its panels' queries, with Grafana's variables
/// replaced so that Prometheus itself can run them.
/// </summary>
public sealed partial class GrafanaDashboard(string json)
{
    public const string RelativePath = "docker/monitoring/grafana-dashboard.json";

    // What a test puts for $__rate_interval: wide enough for two scrapes a second apart.
    private const string RateWindow = "1m";

    public JsonElement Root { get; } = JsonDocument.Parse(json).RootElement.Clone();

    public static GrafanaDashboard Load() => new(File.ReadAllText(Path.Combine(Checkout.Root, RelativePath)));

    public IReadOnlyList<DashboardPanel> Panels =>
    [
        .. Root.GetProperty("panels").EnumerateArray().Select(panel => new DashboardPanel(
            panel.TryGetProperty("title", out var title) ? title.GetString() ?? "" : "",
            panel.TryGetProperty("targets", out var targets)
                ? [.. targets.EnumerateArray().Select(target => target.TryGetProperty("expr", out var expr) ? expr.GetString() ?? "" : "")]
                : [])),
    ];

    /// <summary>The names of the dashboard's template variables.</summary>
    public IReadOnlyList<string> Variables =>
        [.. Root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(variable => variable.GetProperty("name").GetString()!)];

    /// <summary>
    /// The expression as Prometheus can run it: <c>$__rate_interval</c> a fixed window, every other variable
    /// (<c>$job</c>, <c>${model}</c>) a regex that matches everything, as Grafana's "All" does.
    /// </summary>
    public static string Runnable(string expression) =>
        VariableReference().Replace(expression.Replace("$__rate_interval", RateWindow), ".*");

    /// <summary>The metric names a runnable expression selects: every name followed by a label matcher.</summary>
    public static IReadOnlyList<string> MetricNames(string runnable) =>
        [.. SelectorName().Matches(runnable).Select(match => match.Groups[1].Value).Distinct()];

    /// <summary>Each metric that a panel's query selects and <paramref name="exported"/> lacks, naming the panel.</summary>
    public IReadOnlyList<string> UnknownMetrics(IReadOnlySet<string> exported) =>
    [
        .. Panels.SelectMany(panel => panel.Expressions
            .SelectMany(expression => MetricNames(Runnable(expression)))
            .Where(name => !exported.Contains(name))
            .Select(name => $"panel \"{panel.Title}\": {name} is not a series the service exports")),
    ];

    [GeneratedRegex(@"\$\{\w+\}|\$\w+")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{")]
    private static partial Regex SelectorName();
}
