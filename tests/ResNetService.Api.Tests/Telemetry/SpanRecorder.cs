using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// A processor in the service's tracing pipeline that keeps every span that ends, as an exporter would get it. Spans of
/// other test hosts in the process come too (activity sources are process-wide): tests pick theirs by trace id.
/// </summary>
public sealed class SpanRecorder : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<Activity> _ended = new();

    public IReadOnlyCollection<Activity> Ended => _ended;

    public override void OnEnd(Activity data) => _ended.Enqueue(data);

    public IReadOnlyList<Activity> InTrace(ActivityTraceId traceId) => [.. _ended.Where(span => span.TraceId == traceId)];
}
