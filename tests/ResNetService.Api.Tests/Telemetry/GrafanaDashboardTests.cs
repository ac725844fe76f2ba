using System.Diagnostics;
using System.Net;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// <c>docker/monitoring/grafana-dashboard.json</c>: well formed, every query names only series the service exports,
/// and every panel's query returns data from a real Prometheus that scraped the service under a short load.
/// </summary>
[Collection(TelemetryTestCollection.Name)]
public sealed class GrafanaDashboardTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void Every_panel_has_a_title_and_a_query_and_the_variables_it_uses_exist()
    {
        var dashboard = GrafanaDashboard.Load();

        Assert.NotEmpty(dashboard.Panels);
        Assert.Contains("datasource", dashboard.Variables);
        Assert.All(dashboard.Panels, panel =>
        {
            Assert.False(string.IsNullOrWhiteSpace(panel.Title), "a panel without a title");
            Assert.True(panel.Expressions.Count > 0 && panel.Expressions.All(e => e.Length > 0), $"panel \"{panel.Title}\" has no query");
            Assert.True(panel.Expressions.All(e => GrafanaDashboard.MetricNames(GrafanaDashboard.Runnable(e)).Count > 0),
                $"panel \"{panel.Title}\" has a query that selects no metric with a label matcher");
        });
        var used = dashboard.Panels.SelectMany(panel => panel.Expressions)
            .SelectMany(expression => System.Text.RegularExpressions.Regex.Matches(expression, @"\$\{?(\w+)").Select(m => m.Groups[1].Value))
            .Where(name => name != "__rate_interval");
        Assert.All(used, name => Assert.Contains(name, dashboard.Variables));
    }

    [Fact]
    public async Task Every_panels_query_returns_data_from_Prometheus_after_a_short_load()
    {
        using var model = new TestModel();
        await using var factory = new ScrapeUnderOverloadTests.StuckService(model.Path);
        var address = factory.StartOnLoopback();
        await factory.WaitUntilReadyAsync();
        using var client = factory.CreateClient();
        await factory.OverloadAsync(client, _ => Task.CompletedTask);
        for (var seed = 10; seed < 14; seed++)
        {
            await client.ClassifyAsync(TestImages.Png(seed));
        }

        using (var notAnImage = await client.PostAsync("/classify", Requests.RawBody(TestImages.Garbage())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notAnImage.StatusCode);
        }

        using var scrape = await client.GetAsync("/metrics");
        var exported = new Exposition(await scrape.Content.ReadAsStringAsync()).Samples.Select(s => s.Name).ToHashSet();
        await using var prometheus = await PrometheusServer.StartAsync(address.Authority);
        var dashboard = GrafanaDashboard.Load();

        var unknown = dashboard.UnknownMetrics(exported);
        Assert.True(unknown.Count == 0, string.Join('\n', unknown));
        var empty = await PanelsWithoutDataAsync(prometheus, dashboard, wait: true);
        Assert.True(empty.Count == 0, "Panels whose query Prometheus answered with no series:\n" + string.Join('\n', empty));

        // A misspelt metric fails both checks, naming its panel.
        var misspelt = new GrafanaDashboard(dashboard.Root.GetRawText().Replace("resnet_service_queue_length", "resnet_service_queue_lenght"));
        Assert.Contains(misspelt.UnknownMetrics(exported), problem => problem.Contains("panel \"Queue length\""));
        Assert.Contains(await PanelsWithoutDataAsync(prometheus, misspelt, wait: false), problem => problem.Contains("panel \"Queue length\""));
    }

    /// <summary>
    /// Runs each panel's queries; when <paramref name="wait"/>, again (bounded) until each returned a series, since the
    /// first scrapes and a rate's second sample take a few seconds. Returns the panels still without data.
    /// </summary>
    private static async Task<IReadOnlyList<string>> PanelsWithoutDataAsync(PrometheusServer prometheus, GrafanaDashboard dashboard, bool wait)
    {
        var pending = dashboard.Panels.SelectMany(panel => panel.Expressions.Select(expression => (panel.Title, Query: GrafanaDashboard.Runnable(expression)))).ToList();
        var problems = new List<string>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            problems.Clear();
            foreach (var (title, query) in pending.ToList())
            {
                var (series, error) = await prometheus.QueryOnceAsync(query);
                if (series > 0)
                {
                    pending.Remove((title, query));
                }
                else
                {
                    problems.Add($"panel \"{title}\": {error ?? "no series"} for {query}");
                }
            }

            if (pending.Count == 0 || !wait || clock.Elapsed > Patience)
            {
                return problems;
            }

            await Task.Delay(500);
        }
    }
}
