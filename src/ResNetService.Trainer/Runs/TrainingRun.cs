using System.Diagnostics;
using System.Reflection;
using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Data;
using ResNetService.Trainer.Model;
using ResNetService.Trainer.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Runs;

/// <summary>
/// One training run in a run folder: loads the data, trains epoch by epoch, scores each epoch on the selection split
/// (a holdout of the training images, or the test split without one), and keeps <c>last</c> and <c>best</c>
/// checkpoints, metrics.csv and the training curves there. With a holdout, the best checkpoint is tested once at the
/// end. With resume it continues from <c>last</c> (weights, optimizer state, epoch, schedule position, best accuracy).
/// </summary>
public sealed class TrainingRun(string runFolder, ITrainingProgress progress)
{
    public static string ProducerVersion { get; } =
        "resnet-trainer " + (typeof(TrainingRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0");

    public string LastPrefix => Path.Combine(runFolder, Checkpoint.Last);

    public string BestPrefix => Path.Combine(runFolder, Checkpoint.Best);

    /// <summary>The options a resumed run continues with: the saved ones, with more epochs when asked.</summary>
    public CheckpointInfo ReadResumeInfo()
    {
        if (!File.Exists(Checkpoint.InfoPath(LastPrefix)))
        {
            throw new FileNotFoundException($"Nothing to resume: {Checkpoint.InfoPath(LastPrefix)} does not exist.", Checkpoint.InfoPath(LastPrefix));
        }

        return Checkpoint.ReadInfo(LastPrefix);
    }

    /// <summary>
    /// Trains; <paramref name="resumeFrom"/> is the last checkpoint when resuming. Cancelling stops after the epoch
    /// in progress, its checkpoint saved. Returns every epoch's metrics, earlier sessions' included.
    /// </summary>
    public IReadOnlyList<EpochMetrics> Run(TrainingOptions options, CheckpointInfo? resumeFrom = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(runFolder);
        var data = DataSource.Load(options.Data, new DataOptions(
            options.ImageSize, options.ResizeMode, options.LabelsFile, options.ValidationSplit, options.Seed, options.DatasetName));
        progress.Message($"{data.Name}: {data.Train.Count} training and {data.Test.Count} test images, {data.Classes.Count} classes, {data.ImageSize}x{data.ImageSize}");
        if (resumeFrom is not null && !resumeFrom.Labels.SequenceEqual(data.Classes))
        {
            throw new DataSetException($"The data's classes ({string.Join(", ", data.Classes)}) differ from the checkpoint's.");
        }

        var (train, validation) = HoldOut(data.Train, options);
        if (validation is not null)
        {
            progress.Message(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The best epoch is chosen on {validation.Count} images held out of the training split ({100 * options.Holdout:0.#}% of each class, seed {options.Seed}); the test split is scored once, at the end."));
        }

        var stats = resumeFrom is not null
            ? new ChannelStatistics(resumeFrom.Mean, resumeFrom.Std)
            : options.Mean is not null && options.Std is not null ? new ChannelStatistics(options.Mean, options.Std) : ChannelStatistics.Compute(train);

        random.manual_seed(options.Seed);
        using var model = Checkpoint.CreateModel(
            options.Architecture, options.Variant, data.Classes.Count, options.ZeroInitResidual, options.Head, data.ImageSize);
        if (resumeFrom is null && options.InitialWeights is not null)
        {
            progress.Message(InitialWeights.Load(model, options.InitialWeights));
        }

        var layers = FineTuning.Apply(model, options.Freeze);
        if (options.Freeze is not null)
        {
            progress.Message($"Frozen up to {options.Freeze}: {layers.FrozenParameters.Sum(p => p.numel()):N0} parameters; training {layers.Backbone.Concat(layers.Head).Sum(p => p.numel()):N0}.");
        }

        using var optimizer = OptimizerFactory.Create(layers, options);
        if (resumeFrom is not null)
        {
            model.load(Checkpoint.WeightsPath(LastPrefix));
            optimizer.load_state_dict(Checkpoint.OptimizerPath(LastPrefix));
        }

        using var trainBatches = new BatchTensors(train);
        using var selectionBatches = new BatchTensors(validation ?? data.Test);
        using var normalizer = new Normalizer(stats.Mean, stats.Std);
        var split = validation is null ? SelectionSplits.Test : SelectionSplits.Validation;
        var stepsPerEpoch = StepsPerEpoch(train.Count, options.BatchSize);
        var schedule = new LearningRateSchedule(options.Schedule, options.LearningRate, (long)stepsPerEpoch * options.Epochs);

        var metricsPath = Path.Combine(runFolder, MetricsCsv.FileName);
        var history = resumeFrom is null ? [] : MetricsCsv.Read(metricsPath).Where(m => m.Epoch <= resumeFrom.Epoch).ToList();
        var step = resumeFrom?.Step ?? 0;
        var best = (split == SelectionSplits.Validation ? resumeFrom?.BestValidationAccuracy : resumeFrom?.BestTestAccuracy) ?? -1;
        var bestEpoch = resumeFrom?.BestEpoch ?? 0;
        var epoch = (resumeFrom?.Epoch ?? 0) + 1;
        for (; epoch <= options.Epochs && !cancellation.IsCancellationRequested; epoch++)
        {
            if (options.Patience > 0 && epoch - 1 - bestEpoch >= options.Patience)
            {
                progress.Message($"Stopping early: no better {split} accuracy in the {options.Patience} epochs since epoch {bestEpoch}.");
                break;
            }

            progress.EpochStarted(epoch, options.Epochs, stepsPerEpoch);
            var clock = Stopwatch.StartNew();
            var (trainLoss, trainAccuracy, lastRate) = TrainEpoch(model, layers, optimizer, trainBatches, normalizer, schedule, options, epoch, ref step);
            var seconds = clock.Elapsed.TotalSeconds;
            var (accuracy, loss) = Score(model, selectionBatches, normalizer, options.BatchSize);

            var metrics = new EpochMetrics(epoch, trainLoss, trainAccuracy, loss, accuracy, lastRate, seconds, train.Count / seconds, split);
            history.Add(metrics);
            var isBest = accuracy > best;
            if (isBest)
            {
                (best, bestEpoch) = (accuracy, epoch);
            }

            var info = Describe(options, data, stats, epoch, step, split, accuracy, best, bestEpoch, validation?.Count ?? 0);
            Checkpoint.Save(LastPrefix, model, info, optimizer);
            if (isBest)
            {
                Checkpoint.Save(BestPrefix, model, info);
            }

            MetricsCsv.Write(metricsPath, history);
            TrainingCurves.Save(Path.Combine(runFolder, TrainingCurves.FileName), history, $"{options.Architecture} on {data.Name}");
            progress.EpochCompleted(metrics, isBest);
        }

        if (validation is not null && !cancellation.IsCancellationRequested && File.Exists(Checkpoint.InfoPath(BestPrefix)))
        {
            TestBest(model, data.Test, normalizer, options.BatchSize);
        }

        return history;
    }

    /// <summary>
    /// The held-out run's only look at the test split: the best checkpoint's accuracy, written into its info so the
    /// export carries it.
    /// </summary>
    private void TestBest(ResNet model, ImageSet test, Normalizer normalizer, int batchSize)
    {
        var info = Checkpoint.ReadInfo(BestPrefix);
        model.load(Checkpoint.WeightsPath(BestPrefix));
        using var batches = new BatchTensors(test);
        var (accuracy, _) = Score(model, batches, normalizer, batchSize);
        Checkpoint.SaveInfo(BestPrefix, info with { TestAccuracy = accuracy });
        progress.Message(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Test accuracy of epoch {info.Epoch}, the best on the validation split ({100 * info.ValidationAccuracy:F2}%): {100 * accuracy:F2}% on {test.Count} images."));
    }

    /// <summary>Splits the holdout off the training images, or keeps them whole when the run has none.</summary>
    public static (ImageSet Train, ImageSet? Validation) HoldOut(ImageSet train, TrainingOptions options)
    {
        if (options.Holdout <= 0)
        {
            return (train, null);
        }

        if (options.Holdout >= 1)
        {
            throw new DataSetException($"--holdout must be below 1 (got {options.Holdout}).");
        }

        var (kept, held) = StratifiedSplit.Indices(train.Labels, options.Holdout, options.Seed);
        if (kept.Count == 0 || held.Count == 0)
        {
            throw new DataSetException($"A holdout of {options.Holdout} of {train.Count} training images leaves an empty split.");
        }

        return (train.Subset(kept), train.Subset(held));
    }

    private static (double Accuracy, double Loss) Score(ResNet model, BatchTensors data, Normalizer normalizer, int batchSize)
    {
        var (predictions, loss) = Predictor.Predict(model, data, normalizer, batchSize);
        return ((double)predictions.Where((p, i) => p == data.Labels[i]).Count() / data.Count, loss);
    }

    public static int StepsPerEpoch(int images, int batchSize) =>
        images / batchSize + (images % batchSize >= 2 ? 1 : 0);

    private (double Loss, double Accuracy, double LastRate) TrainEpoch(
        ResNet model, FineTuning layers, OptimizerHelper optimizer, BatchTensors data, Normalizer normalizer,
        LearningRateSchedule schedule, TrainingOptions options, int epoch, ref long step)
    {
        layers.Train(model);
        // Seeded per epoch, so a resumed run (in any process) shuffles and augments exactly as an uninterrupted one
        // would. Not HashCode.Combine: it is randomised per process.
        var random = new Random(unchecked(options.Seed * 1_000_003 + epoch));
        var order = Enumerable.Range(0, data.Count).Select(i => (long)i).ToArray();
        random.Shuffle(order);
        var augmenter = new Augmenter(options.Augmentation, data.ImageSize, random);

        double lossSum = 0, correct = 0, seen = 0, rate = 0;
        var clock = Stopwatch.StartNew();
        var steps = StepsPerEpoch(data.Count, options.BatchSize);
        for (var index = 0; index < steps; index++)
        {
            using var scope = NewDisposeScope();
            var start = index * options.BatchSize;
            var batch = order.AsSpan(start, Math.Min(options.BatchSize, data.Count - start));
            var (images, labels) = data.Batch(batch);
            var plan = augmenter.Draw(batch.Length);
            var inputs = normalizer.Apply(augmenter.CropAndFlip(images, plan));
            Augmenter.Erase(inputs, plan);

            rate = schedule.At(step);
            OptimizerFactory.SetLearningRate(optimizer, rate, options.BackboneLearningRateScale);
            optimizer.zero_grad();
            var logits = model.call(inputs);
            var loss = nn.functional.cross_entropy(logits, labels);
            loss.backward();
            optimizer.step();
            step++;

            lossSum += loss.item<float>() * batch.Length;
            correct += logits.argmax(1).eq(labels).sum().item<long>();
            seen += batch.Length;
            progress.StepCompleted(index + 1, lossSum / seen, correct / seen, seen / clock.Elapsed.TotalSeconds);
        }

        return (lossSum / seen, correct / seen, rate);
    }

    private static CheckpointInfo Describe(
        TrainingOptions options, TrainingData data, ChannelStatistics stats, int epoch, long step,
        string split, double accuracy, double best, int bestEpoch, int validationImages) => new()
        {
            Architecture = options.Architecture,
            Variant = options.Variant,
            Head = options.Head,
            Labels = data.Classes,
            ImageSize = data.ImageSize,
            ResizeMode = data.ResizeMode,
            Mean = stats.Mean,
            Std = stats.Std,
            ColorMode = data.ColorMode,
            Dataset = data.Name,
            Epoch = epoch,
            Step = step,
            SelectedOn = split,
            TestAccuracy = split == SelectionSplits.Test ? accuracy : null,
            BestTestAccuracy = split == SelectionSplits.Test ? best : null,
            ValidationAccuracy = split == SelectionSplits.Validation ? accuracy : null,
            BestValidationAccuracy = split == SelectionSplits.Validation ? best : null,
            BestEpoch = bestEpoch,
            ValidationImages = validationImages,
            SavedAt = DateTimeOffset.UtcNow,
            ProducerVersion = ProducerVersion,
            Options = options,
        };
}
