using System.Diagnostics;

namespace ResNetService.Inference.Telemetry;

/// <summary>
/// One model run: its span, which starts a trace of its own (the batcher's consumer serves every caller and has no
/// request of its own), the queue-wait span of each row in the row's request trace, links between the two, and the
/// run's measurements.
/// </summary>
internal sealed class BatchRunTelemetry : IDisposable
{
    private readonly ModelTelemetry _model;
    private readonly int _rows;
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly Activity? _run;

    public BatchRunTelemetry(ModelTelemetry model, int rows)
    {
        _model = model;
        _rows = rows;
        Activity.Current = null; // whatever context created the consumer, a run belongs to no request
        _run = model.StartActivity(InferenceActivities.ModelRun);
        _run?.SetTag(InferenceActivities.BatchSizeTag, rows);
    }

    /// <summary>
    /// A row of the batch waited <paramref name="queueTime"/>: records it, and when the row's request is traced, adds
    /// the wait as a span of that request (ending as the run starts) linked both ways with the run's span.
    /// </summary>
    public void RowQueued(ActivityContext requester, TimeSpan queueTime)
    {
        InferenceMetrics.QueueWait.Record(queueTime.TotalSeconds, _model.Tags);
        if (requester == default)
        {
            return;
        }

        var toRun = _run is null ? null : new[] { new ActivityLink(_run.Context) };
        using var wait = _model.StartActivity(InferenceActivities.QueueWait, requester, toRun, _startedAt - queueTime);
        if (wait is null)
        {
            return;
        }

        wait.SetEndTime(_startedAt.UtcDateTime);
        _run?.AddLink(new ActivityLink(wait.Context));
    }

    /// <summary>Records the run and ends its span, before the callers get their rows (so they never see a run still open).</summary>
    public void Succeeded(TimeSpan inferenceTime)
    {
        InferenceMetrics.ImagesClassified.Add(_rows, _model.Tags);
        InferenceMetrics.BatchSize.Record(_rows, _model.Tags);
        InferenceMetrics.InferenceDuration.Record(inferenceTime.TotalSeconds, _model.Tags);
        _run?.Stop();
    }

    /// <summary>Marks the run's span failed and ends it.</summary>
    public void Failed(Exception error)
    {
        _run?.SetStatus(ActivityStatusCode.Error, error.Message).SetTag(InferenceMetrics.ErrorTypeTag, error.GetType().FullName);
        _run?.Stop();
    }

    public void Dispose() => _run?.Dispose();
}
