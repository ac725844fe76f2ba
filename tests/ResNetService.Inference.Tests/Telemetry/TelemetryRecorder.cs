using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Inference.Tests.Telemetry;

/// <summary>One measurement of an inference instrument, with its tags.</summary>
public sealed record Recorded(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>
/// Listens to the inference library's meter and activity source and keeps what belongs to one model name: meters and
/// sources are process-wide and other tests run beside this one, so the model's name is what tells its telemetry apart.
/// </summary>
public sealed class TelemetryRecorder : IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _spans;
    private readonly ConcurrentQueue<Recorded> _measurements = new();
    private readonly ConcurrentQueue<Activity> _ended = new();

    public TelemetryRecorder(string model)
    {
        Model = model;
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == InferenceMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();

        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == InferenceActivities.SourceName || source == TestSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem(InferenceMetrics.ModelTag), Model))
                {
                    _ended.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_spans);
    }

    /// <summary>A source for the spans of the "callers" in tests, to parent the library's spans.</summary>
    public static readonly ActivitySource TestSource = new("ResNetService.Inference.Tests");

    public string Model { get; }

    public IReadOnlyList<Recorded> Of(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

    public IReadOnlyList<Activity> Spans(string name) => [.. _ended.Where(span => span.OperationName == name)];

    /// <summary>Asks the observable instruments for their values now.</summary>
    public void Observe() => _meters.RecordObservableInstruments();

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var all = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            all[tag.Key] = tag.Value;
        }

        if (Equals(all.GetValueOrDefault(InferenceMetrics.ModelTag), Model))
        {
            _measurements.Enqueue(new Recorded(instrument.Name, Convert.ToDouble(value), all));
        }
    }

    public void Dispose()
    {
        _meters.Dispose();
        _spans.Dispose();
    }
}
