using System.Diagnostics.Metrics;

namespace ResNetService.Inference.Telemetry;

/// <summary>
/// The service's own metrics, on one <see cref="Meter"/> that an exporter subscribes to by <see cref="MeterName"/>.
/// Names and units follow OpenTelemetry's conventions (dotted lowercase names, seconds for durations, {annotations}
/// for counts), so that a Prometheus exporter renders them as e.g. <c>resnet_service_queue_wait_time_seconds_bucket</c>
/// and <c>resnet_service_images_classified_total</c>. Every tag value comes from a closed set: the name and version of
/// a model the service loaded, and enum members (<see cref="TagValues"/>), never text from a request.
/// </summary>
public static class InferenceMetrics
{
    public const string MeterName = "ResNetService.Inference";

    public const string ModelTag = "model.name";
    public const string VersionTag = "model.version";
    public const string ProviderTag = "model.execution_provider";
    public const string ReasonTag = "reason";
    public const string ErrorTypeTag = "error.type";
    public const string OutcomeTag = "outcome";
    public const string MemoryUseTag = "memory.use";

    internal static readonly Meter Meter = new(MeterName, typeof(InferenceMetrics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> ImagesClassified = Meter.CreateCounter<long>(
        "resnet_service.images.classified", "{image}", "Images (input rows) that went through a successful model run.");

    internal static readonly Counter<long> RequestsRejected = Meter.CreateCounter<long>(
        "resnet_service.requests.rejected", "{request}", "Requests refused with 503 to shed load, by reason.");

    internal static readonly Histogram<int> BatchSize = Meter.CreateHistogram(
        "resnet_service.batch.size", "{image}", "Images per model run.", tags: null,
        new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });

    internal static readonly Histogram<double> QueueWait = Meter.CreateHistogram(
        "resnet_service.queue.wait_time", "s", "Time an image waited in the queue until its model run started.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });

    internal static readonly Histogram<double> InferenceDuration = Meter.CreateHistogram(
        "resnet_service.inference.duration", "s", "Duration of one model run (a whole batch).", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });

    internal static readonly Counter<long> ImagesDecoded = Meter.CreateCounter<long>(
        "resnet_service.images.decoded", "{image}", "Images decoded and preprocessed into a model input.");

    internal static readonly Counter<long> ImagesRejected = Meter.CreateCounter<long>(
        "resnet_service.images.rejected", "{image}", "Images refused before the model, by kind of problem (error.type).");

    internal static readonly Counter<long> ModelLoads = Meter.CreateCounter<long>(
        "resnet_service.model.loads", "{load}", "Model loads (with warm-up), by outcome: success or failure.");

    // Observed at each collection from the models serving at that moment.
    internal static readonly ObservableGauge<int> QueueLength = Meter.CreateObservableGauge(
        "resnet_service.queue.length", ModelTelemetry.ObserveQueueLengths, "{image}", "Images waiting for a model run now.");

    internal static readonly ObservableGauge<int> ModelInfo = Meter.CreateObservableGauge(
        "resnet_service.model.info", ModelTelemetry.ObserveServing, unit: null,
        "Always 1: one series per model version serving, with the execution provider it runs on.");

    internal static readonly ObservableGauge<int> ServingVersions = Meter.CreateObservableGauge(
        "resnet_service.model.serving_versions", ReadinessTelemetry.ObserveServingVersions, "{version}",
        "Versions of a model serving now; 0 for a model found that cannot serve (its versions failed to load).");

    internal static readonly ObservableGauge<int> Ready = Meter.CreateObservableGauge(
        "resnet_service.ready", ReadinessTelemetry.ObserveReady, unit: null,
        "1 while the models make the server ready (the default model serves and every model found at start was tried; in strict mode every model serves), else 0.");

    internal static readonly ObservableGauge<long> MemoryInUse = Meter.CreateObservableGauge(
        "resnet_service.memory.in_use", MemoryTelemetry.ObserveInUse, "By",
        "Bytes of the memory budget taken now, by use (memory.use): loaded sessions, buffered request bodies, image decodes.");

    internal static readonly ObservableGauge<long> MemoryBudgetSize = Meter.CreateObservableGauge(
        "resnet_service.memory.budget", MemoryTelemetry.ObserveCapacity, "By",
        "The memory budget's size in bytes (Memory:BudgetBytes, or derived from the memory available to .NET).");

    // 0.5 ms to 10 s: a queue wait or a model run is milliseconds on a GPU and up to seconds for a large CPU batch.
    private static double[] Seconds => [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Counts one load of a model version (at start, from the repository, or a reload).</summary>
    public static void CountModelLoad(string model, long version, bool succeeded) =>
        ModelLoads.Add(1,
            new KeyValuePair<string, object?>(ModelTag, model),
            new KeyValuePair<string, object?>(VersionTag, version),
            new KeyValuePair<string, object?>(OutcomeTag, succeeded ? "success" : "failure"));

    /// <summary>Counts a request refused to shed load that no single model refused (e.g. a service-wide budget).</summary>
    public static void CountRejection(OverloadReason reason) =>
        RequestsRejected.Add(1, new KeyValuePair<string, object?>(ReasonTag, TagValues.Of(reason)));
}
