using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ResNetService.Api.Hosting;
using ResNetService.Api.Tests.Support;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// One slow or failed request can be followed: its problem details and its log lines carry its W3C trace id (the one a
/// traced caller sent), in the console format and in the JSON one; scrapes are logged at Debug, not once each.
/// </summary>
[Collection(TelemetryTestCollection.Name)]
public sealed class TelemetryLoggingTests
{
    [Fact]
    public async Task A_problem_and_its_log_lines_carry_the_requests_trace_id()
    {
        var sink = new RecordingSink();
        using var model = new TestModel();
        await using var factory = new LoggedService(model.Path, sink);
        using var client = factory.CreateClient();

        var (request, traceId) = TracingService.TracedRequest(HttpMethod.Post, "/classify", Requests.RawBody(TestImages.Garbage()));
        using (request)
        using (var response = await client.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.ReadProblemAsync();
            Assert.Equal(traceId.ToHexString(), ((JsonElement)problem.Extensions["traceId"]!).GetString());
        }

        // The problem's warning (the test host logs Warning and above) is logged within the request's trace.
        var logged = sink.Events.Where(e => e.TraceId == traceId).ToList();
        Assert.Contains(logged, e => e.Level == LogEventLevel.Warning && e.MessageTemplate.Text.Contains("answered"));

        using var json = new StringWriter();
        new RenderedCompactJsonFormatter().Format(logged[0], json);
        Assert.Equal(traceId.ToHexString(), JsonDocument.Parse(json.ToString()).RootElement.GetProperty("@tr").GetString());

        using var console = new StringWriter();
        new MessageTemplateTextFormatter(LoggingSetup.ConsoleTemplate).Format(logged[0], console);
        Assert.Contains(traceId.ToHexString(), console.ToString());
    }

    [Fact]
    public void A_scrape_is_logged_at_debug()
    {
        var httpContext = new DefaultHttpContext();
        httpContext.Request.Method = "GET";
        httpContext.Request.Path = "/metrics";

        Assert.Equal(LogEventLevel.Debug, LoggingSetup.RequestLevel(httpContext, 1.0, null));
    }

    private sealed class RecordingSink : ILogEventSink
    {
        private readonly ConcurrentQueue<LogEvent> _events = new();

        public IReadOnlyCollection<LogEvent> Events => _events;

        public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);
    }

    private sealed class LoggedService(string modelPath, ILogEventSink sink) : ServiceFactory(modelPath)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton(sink));
        }
    }
}
