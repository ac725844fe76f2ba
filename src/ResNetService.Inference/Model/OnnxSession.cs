using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using ResNetService.Inference.Batching;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Features;
using ResNetService.Inference.Memory;
using Keys = ResNetService.Onnx.ModelFile.ModelMetadataKeys;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Model;

/// <summary>
/// The session of one loaded model file: a single ONNX Runtime InferenceSession shared by every caller, with the names, shapes, labels and
/// preprocessing read from the file (never assumed). <see cref="Load"/> also runs one warm-up batch.
/// </summary>
public sealed class OnnxSession : IBatchSession, IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string _outputName;
    private FeatureOutputs _features;
    private readonly int? _fixedBatchSize;
    private readonly int _imageSize;
    private readonly bool _takesCpuTurns;
    private float[]? _paddedChunk;
    private MemoryReservation? _memory;

    private OnnxSession(InferenceSession session, string inputName, string outputName, FeatureOutputs features, int? fixedBatchSize,
        int imageSize, bool takesCpuTurns)
    {
        _session = session;
        _takesCpuTurns = takesCpuTurns;
        _inputNames = [inputName];
        _outputName = outputName;
        _features = features;
        _fixedBatchSize = fixedBatchSize;
        _imageSize = imageSize;
    }

    public ModelInfo Info { get; private set; } = null!;

    public int InputLength => Info.Preprocessing.TensorLength;

    public int OutputLength => Info.Classes;

    public int ExtraOutputLength(ExtraOutputs output) => output switch
    {
        ExtraOutputs.Embedding => _features.EmbeddingLength,
        ExtraOutputs.FeatureMap => _features.FeatureMapShape.Count == 3 ? _features.FeatureMapShape[0] * _features.FeatureMapShape[1] * _features.FeatureMapShape[2] : 0,
        _ => 0,
    };

    /// <summary>Loads the model, chooses the execution provider, resolves its settings and runs a warm-up batch.</summary>
    /// <param name="warmupBatchSize">Rows in the warm-up run (the batcher's maximum, so that size is ready too).</param>
    /// <param name="availableProviders">Providers of this ONNX Runtime build; by default asked of ONNX Runtime.</param>
    /// <param name="memory">The budget the session is counted in, from before it loads until it is disposed.</param>
    /// <exception cref="ModelLoadException">The file, its settings or the requested provider cannot be used.</exception>
    public static OnnxSession Load(ModelLoadSettings settings, int warmupBatchSize = 1, ILogger? logger = null,
        IReadOnlyCollection<string>? availableProviders = null, MemoryBudget? memory = null)
    {
        logger ??= NullLogger.Instance;
        var path = Path.GetFullPath(settings.Path);
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"The model file {path} does not exist (Model:Path).");
        }

        var loadClock = Stopwatch.StartNew();
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (OrtEnvironment.SessionsShareThreadPools())
        {
            sessionOptions.DisablePerSessionThreads(); // The thread counts were given to the shared pools.
        }
        else
        {
            if (settings.IntraOpThreads is { } intra)
            {
                sessionOptions.IntraOpNumThreads = intra;
            }

            if (settings.InterOpThreads is { } inter)
            {
                sessionOptions.InterOpNumThreads = inter;
            }
        }

        var provider = ExecutionProviderSelector.Choose(
            settings.ExecutionProvider,
            availableProviders ?? OrtEnv.Instance().GetAvailableProviders(),
            () => sessionOptions.AppendExecutionProvider_CUDA(settings.DeviceId),
            CudaLibraryProbe.Explain);
        if (provider.FallbackReason is { } reason)
        {
            logger.LogWarning("Running on the CPU: {Reason}", reason);
        }

        var reservation = memory?.ReserveSession(path);
        InferenceSession session;
        FeatureGraph plan;
        try
        {
            // The embedding and feature map become graph outputs here when the file does not have them yet.
            plan = FeatureGraph.Plan(path);
            session = plan.ModelBytes is { } bytes ? new InferenceSession(bytes, sessionOptions) : new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            reservation?.Dispose();
            throw new ModelLoadException($"ONNX Runtime cannot load {path}: {e.Message}", e);
        }
        catch
        {
            reservation?.Dispose();
            throw;
        }

        try
        {
            var model = Create(session, path, settings, provider, plan, warmupBatchSize, loadClock, logger);
            model._memory = reservation;
            return model;
        }
        catch
        {
            session.Dispose();
            reservation?.Dispose();
            throw;
        }
    }

    private static OnnxSession Create(InferenceSession session, string path, ModelLoadSettings settings,
        ExecutionProviderChoice provider, FeatureGraph graph, int warmupBatchSize, Stopwatch loadClock, ILogger logger)
    {
        var features = graph.Outputs;
        var (inputName, input) = SingleFloatTensor(session.InputMetadata, "input");
        var scoreOutputs = session.OutputMetadata
            .Where(output => output.Key != features.EmbeddingOutput && output.Key != features.FeatureMapOutput)
            .ToDictionary();
        var (outputName, output) = SingleFloatTensor(scoreOutputs, "output");
        var inputShape = input.Dimensions.Select(d => (long)d).ToArray();
        var outputShape = output.Dimensions.Select(d => (long)d).ToArray();
        if (inputShape.Length != 4 || inputShape[1] is not (3 or -1))
        {
            throw new ModelLoadException(
                $"The model input '{inputName}' has shape [{string.Join(", ", inputShape)}]; an image classifier takes [batch, 3, height, width].");
        }

        var (height, width) = ((int)inputShape[2], (int)inputShape[3]);
        if (height > 0 && width > 0 && height != width)
        {
            throw new ModelLoadException($"The model input is {width}x{height}; only square inputs are supported.");
        }

        int? fixedImageSize = height > 0 ? height : width > 0 ? width : null;
        int? fixedBatchSize = inputShape[0] > 0 ? (int)inputShape[0] : null;

        var metadata = session.ModelMetadata.CustomMetadataMap;
        var resolver = new ModelSettingsResolver(metadata, ModelSettingsResolver.ReadSidecar(path), settings);
        var preprocessing = resolver.ResolvePreprocessing(fixedImageSize);
        // On the CPU with the shared pools, runs of all models take turns (see OrtEnvironment.TakeCpuTurn).
        var takesCpuTurns = OrtEnvironment.SharedThreadPools && provider.Provider == ExecutionProviderSelector.CpuProvider;
        var model = new OnnxSession(session, inputName, outputName, features, fixedBatchSize, preprocessing.ImageSize, takesCpuTurns);
        var loadTime = loadClock.Elapsed;

        // Warm-up: one real batch, which also tells the class count (and the feature outputs' shapes) when the
        // output shape leaves it open.
        var warmupClock = Stopwatch.StartNew();
        var rows = Math.Max(1, fixedBatchSize ?? warmupBatchSize);
        var available = (features.EmbeddingOutput is null ? ExtraOutputs.None : ExtraOutputs.Embedding)
            | (features.FeatureMapOutput is null ? ExtraOutputs.None : ExtraOutputs.FeatureMap);
        float[] warmupOutput;
        using (var warmup = model.RunSession(new float[rows * preprocessing.TensorLength], rows, available))
        {
            warmupOutput = warmup[0].GetTensorDataAsSpan<float>().ToArray();
            model._features = features = FeatureShapes.Measure(features, warmup, available, rows);
        }

        var warmupTime = warmupClock.Elapsed;
        var classes = warmupOutput.Length / rows;
        if (classes < 1)
        {
            throw new ModelLoadException($"The model output '{outputName}' is empty.");
        }

        model._features = features = FeatureShapes.CheckClassifier(features, classes);

        var header = OnnxFileHeader.Read(path);
        model.Info = new ModelInfo
        {
            Name = settings.DisplayName,
            FilePath = path,
            Sha256 = Sha256(path),
            FileSizeBytes = new FileInfo(path).Length,
            Architecture = resolver.Optional(Keys.Architecture),
            Variant = resolver.Optional(Keys.Variant),
            Dataset = resolver.Optional(Keys.Dataset),
            TestAccuracy = Fraction(resolver.Optional(Keys.TestAccuracy)),
            SelectedOn = resolver.Optional(Keys.SelectedOn),
            ValidationAccuracy = Fraction(resolver.Optional(Keys.ValidationAccuracy)),
            TrainingDate = resolver.Optional(Keys.TrainingDate),
            Precision = graph.Precision,
            ProducerVersion = resolver.Optional(Keys.ProducerVersion),
            OpsetVersion = header.OpsetVersion,
            IrVersion = header.IrVersion,
            InputName = inputName,
            InputShape = inputShape,
            OutputName = outputName,
            OutputShape = outputShape,
            FixedBatchSize = fixedBatchSize,
            Preprocessing = preprocessing,
            Classes = classes,
            Labels = resolver.ResolveLabels(classes, path),
            OutputKind = OutputKind(settings.OutputKind, warmupOutput, classes),
            Features = features,
            ExecutionProvider = provider.Provider,
            ExecutionProviderFallbackReason = provider.FallbackReason,
            LoadTime = loadTime,
            WarmupTime = warmupTime,
            SettingSources = resolver.Sources,
            Metadata = metadata,
        };
        logger.LogInformation(
            "Loaded {Precision} model {Name} ({Path}) on {Provider} in {LoadMs:0} ms, warm-up batch of {Rows} in {WarmupMs:0} ms; " +
            "input {Input} [{InputShape}], {Classes} classes, preprocessing {Preprocessing}",
            graph.Precision, model.Info.Name, path, provider.Provider, loadTime.TotalMilliseconds, rows, warmupTime.TotalMilliseconds,
            inputName, string.Join(", ", inputShape), classes, preprocessing);
        return model;
    }

    public void Run(Memory<float> input, int rows, Span<float> output) => Run(input, rows, output, ExtraOutputs.None, default, default);

    public void Run(Memory<float> input, int rows, Span<float> output, ExtraOutputs extras, Span<float> embedding, Span<float> featureMap)
    {
        int embeddingLength = ExtraOutputLength(ExtraOutputs.Embedding), featureMapLength = ExtraOutputLength(ExtraOutputs.FeatureMap);
        // A model whose batch dimension is fixed (often to 1) runs in chunks of that size; the last one is padded.
        var chunk = _fixedBatchSize ?? rows;
        for (var start = 0; start < rows; start += chunk)
        {
            var count = Math.Min(chunk, rows - start);
            var slice = input.Slice(start * InputLength, count * InputLength);
            if (count < chunk)
            {
                _paddedChunk ??= new float[chunk * InputLength];
                slice.Span.CopyTo(_paddedChunk);
                slice = _paddedChunk;
            }

            using var results = RunSession(slice, chunk, extras);
            var next = 0;
            CopyRows(results[next++], chunk, count, OutputLength, output[(start * OutputLength)..]);
            if (extras.HasFlag(ExtraOutputs.Embedding))
            {
                CopyRows(results[next++], chunk, count, embeddingLength, embedding[(start * embeddingLength)..]);
            }

            if (extras.HasFlag(ExtraOutputs.FeatureMap))
            {
                CopyRows(results[next], chunk, count, featureMapLength, featureMap[(start * featureMapLength)..]);
            }
        }
    }

    /// <summary>The first <paramref name="count"/> of a result's <paramref name="rows"/> rows, checked for their length.</summary>
    private static void CopyRows(OrtValue result, int rows, int count, int rowLength, Span<float> destination)
    {
        var values = result.GetTensorDataAsSpan<float>();
        if (values.Length != rows * rowLength)
        {
            throw new InvalidOperationException($"The model returned {values.Length} values for {rows} rows of {rowLength}.");
        }

        values[..(count * rowLength)].CopyTo(destination);
    }

    /// <summary>
    /// One session run over <paramref name="rows"/> rows of the input memory (no copy: ONNX Runtime reads it in place),
    /// fetching the scores, then each of the <paramref name="extras"/> in flag order.
    /// </summary>
    private IDisposableReadOnlyCollection<OrtValue> RunSession(Memory<float> input, int rows, ExtraOutputs extras)
    {
        var shape = new long[] { rows, 3, _imageSize, _imageSize };
        using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input[..(rows * 3 * _imageSize * _imageSize)], shape);
        using var turn = _takesCpuTurns ? OrtEnvironment.TakeCpuTurn() : null;
        return _session.Run(_runOptions, _inputNames, [tensor], FetchNames(extras));
    }

    private string[] FetchNames(ExtraOutputs extras)
    {
        var names = new List<string>(3) { _outputName };
        if (extras.HasFlag(ExtraOutputs.Embedding))
        {
            names.Add(_features.EmbeddingOutput!);
        }

        if (extras.HasFlag(ExtraOutputs.FeatureMap))
        {
            names.Add(_features.FeatureMapOutput!);
        }

        return [.. names];
    }

    private static (string Name, NodeMetadata Node) SingleFloatTensor(IReadOnlyDictionary<string, NodeMetadata> nodes, string role)
    {
        if (nodes.Count != 1)
        {
            throw new ModelLoadException(
                $"The model has {nodes.Count} {role}s ({string.Join(", ", nodes.Keys)}); an image classifier has exactly one.");
        }

        var (name, node) = nodes.Single();
        if (!node.IsTensor || node.ElementType != typeof(float))
        {
            throw new ModelLoadException($"The model {role} '{name}' is not a float32 tensor.");
        }

        return (name, node);
    }

    private static string OutputKind(string? configured, float[] warmupOutput, int classes)
    {
        if (configured is OutputKinds.Logits or OutputKinds.Probabilities)
        {
            return configured;
        }

        if (configured is not null)
        {
            throw new ModelLoadException($"Model:OutputKind must be '{OutputKinds.Logits}' or '{OutputKinds.Probabilities}', not '{configured}'.");
        }
        // A model that ends in softmax gives non-negative rows summing to one; anything else is treated as logits.
        for (var start = 0; start < warmupOutput.Length; start += classes)
        {
            var row = warmupOutput.AsSpan(start, classes);
            var sum = 0.0;
            foreach (var value in row)
            {
                if (value < 0)
                {
                    return OutputKinds.Logits;
                }

                sum += value;
            }
            if (Math.Abs(sum - 1) > 1e-3)
            {
                return OutputKinds.Logits;
            }
        }
        return OutputKinds.Probabilities;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
        _memory?.Dispose();
    }

    private static double? Fraction(string? text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
}
