using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace ResNetService.Api.Tests.Support;

/// <summary>Every event the service's Serilog pipeline lets through (Warning and above at the tests' settings).</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyCollection<LogEvent> Events => _events;

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>The events at <paramref name="level"/> or above, rendered, for an assertion's message.</summary>
    public IReadOnlyList<string> AtLeast(LogEventLevel level) =>
        [.. _events.Where(e => e.Level >= level).Select(e => $"{e.Level} {Source(e)}: {e.RenderMessage()}")];

    private static string Source(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("SourceContext", out var source) ? source.ToString().Trim('"') : "";
}
