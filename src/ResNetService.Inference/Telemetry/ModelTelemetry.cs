using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ResNetService.Inference.Telemetry;

/// <summary>
/// The metrics and spans of one served model version. Its tags (the model's name and version as the service loaded it,
/// never as a request spelled it) go on every measurement; while it is not disposed it also reports its queue length
/// and execution provider to the observable gauges. Dispose it when the model is unloaded.
/// </summary>
public sealed class ModelTelemetry : IDisposable
{
    // Every model version serving now, for the observable gauges (a reload briefly has two of the same version).
    private static readonly Observed<ModelTelemetry> Serving = new();

    private readonly IDisposable _serving;

    private readonly KeyValuePair<string, object?>[] _tags;
    private volatile Func<int>? _queueLength;

    /// <param name="name">The served name: the default model's display name, or a repository model's folder name.</param>
    /// <param name="version">The version number (the default model is version 1).</param>
    /// <param name="executionProvider">ONNX Runtime's name of the provider the session runs on.</param>
    public ModelTelemetry(string name, long version, string executionProvider)
    {
        Name = name;
        Version = version;
        ExecutionProvider = executionProvider;
        _tags = [new(InferenceMetrics.ModelTag, name), new(InferenceMetrics.VersionTag, version)];
        _serving = Serving.Add(this);
    }

    public string Name { get; }

    public long Version { get; }

    public string ExecutionProvider { get; }

    internal ReadOnlySpan<KeyValuePair<string, object?>> Tags => _tags;

    /// <summary>Where the queue length gauge reads this model's queue.</summary>
    public void ObserveQueueLength(Func<int> queueLength) => _queueLength = queueLength;

    /// <summary>Counts a request this model refused to shed load.</summary>
    public void CountRejection(OverloadReason reason)
    {
        var tags = new TagList(Tags) { { InferenceMetrics.ReasonTag, TagValues.Of(reason) } };
        InferenceMetrics.RequestsRejected.Add(1, tags);
    }

    /// <summary>Starts the span of one image's decoding and preprocessing (null when nobody listens).</summary>
    internal Activity? StartPreprocessing() => StartActivity(InferenceActivities.Preprocess);

    internal void ImageDecoded() => InferenceMetrics.ImagesDecoded.Add(1, new TagList(Tags));

    /// <summary>Counts an image that could not be preprocessed by its kind of problem, and marks its span failed.</summary>
    internal void ImageFailed(Activity? span, Exception error)
    {
        var kind = error is ImageRejectedException rejected ? TagValues.Of(rejected.Problem) : error.GetType().FullName!;
        span?.SetStatus(ActivityStatusCode.Error, error.Message).SetTag(InferenceMetrics.ErrorTypeTag, kind);
        if (error is ImageRejectedException)
        {
            InferenceMetrics.ImagesRejected.Add(1, new TagList(Tags) { { InferenceMetrics.ErrorTypeTag, kind } });
        }
    }

    /// <summary>Starts the telemetry of one model run of <paramref name="rows"/> rows; dispose it when the run is over.</summary>
    internal BatchRunTelemetry StartBatch(int rows) => new(this, rows);

    internal Activity? StartActivity(string name, ActivityContext parent = default, IEnumerable<ActivityLink>? links = null,
        DateTimeOffset startTime = default)
    {
        if (!InferenceActivities.Source.HasListeners())
        {
            return null;
        }

        var activity = InferenceActivities.Source.StartActivity(name, ActivityKind.Internal, parent, links: links, startTime: startTime);
        foreach (var tag in _tags)
        {
            activity?.SetTag(tag.Key, tag.Value);
        }

        return activity;
    }

    public void Dispose() => _serving.Dispose();

    internal static IEnumerable<Measurement<int>> ObserveQueueLengths() =>
        Serving.Items
            .GroupBy(model => (model.Name, model.Version))
            .Select(group => new Measurement<int>(group.Sum(model => model._queueLength?.Invoke() ?? 0), group.First().Tags));

    internal static IEnumerable<Measurement<int>> ObserveServing() =>
        Serving.Items
            .DistinctBy(model => (model.Name, model.Version, model.ExecutionProvider))
            .Select(model => new Measurement<int>(1, model._tags.Append(new(InferenceMetrics.ProviderTag, model.ExecutionProvider))));
}
