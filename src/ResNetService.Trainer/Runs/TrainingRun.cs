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
/// One training run in a run folder: loads the data, trains epoch by epoch, tests after each, and keeps
/// <c>last</c> and <c>best</c> checkpoints, metrics.csv and the training curves there. With resume it continues
/// from <c>last</c> (weights, optimizer state, epoch, schedule position, best accuracy).
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

        var stats = resumeFrom is not null
            ? new ChannelStatistics(resumeFrom.Mean, resumeFrom.Std)
            : options.Mean is not null && options.Std is not null ? new ChannelStatistics(options.Mean, options.Std) : ChannelStatistics.Compute(data.Train);

        random.manual_seed(options.Seed);
        using var model = Checkpoint.CreateModel(
            options.Architecture, options.Variant, data.Classes.Count, options.ZeroInitResidual, options.Head, data.ImageSize);
        using var optimizer = OptimizerFactory.Create(model.parameters(), options);
        if (resumeFrom is not null)
        {
            model.load(Checkpoint.WeightsPath(LastPrefix));
            optimizer.load_state_dict(Checkpoint.OptimizerPath(LastPrefix));
        }
        else if (options.InitialWeights is not null)
        {
            var note = InitialWeights.Load(model, options.InitialWeights);
            progress.Message($"Starting from the weights of {options.InitialWeights}." + (note is null ? "" : $" {note}"));
        }

        using var train = new BatchTensors(data.Train);
        using var test = new BatchTensors(data.Test);
        using var normalizer = new Normalizer(stats.Mean, stats.Std);
        var stepsPerEpoch = StepsPerEpoch(data.Train.Count, options.BatchSize);
        var schedule = new LearningRateSchedule(options.Schedule, options.LearningRate, (long)stepsPerEpoch * options.Epochs);

        var metricsPath = Path.Combine(runFolder, MetricsCsv.FileName);
        var history = resumeFrom is null ? [] : MetricsCsv.Read(metricsPath).Where(m => m.Epoch <= resumeFrom.Epoch).ToList();
        var step = resumeFrom?.Step ?? 0;
        var best = resumeFrom?.BestTestAccuracy ?? -1;
        for (var epoch = (resumeFrom?.Epoch ?? 0) + 1; epoch <= options.Epochs && !cancellation.IsCancellationRequested; epoch++)
        {
            progress.EpochStarted(epoch, options.Epochs, stepsPerEpoch);
            var clock = Stopwatch.StartNew();
            var (trainLoss, trainAccuracy, lastRate) = TrainEpoch(model, optimizer, train, normalizer, schedule, options, epoch, ref step);
            var seconds = clock.Elapsed.TotalSeconds;
            var (predictions, testLoss) = Predictor.Predict(model, test, normalizer, options.BatchSize);
            var testAccuracy = (double)predictions.Where((p, i) => p == data.Test.Labels[i]).Count() / data.Test.Count;

            var metrics = new EpochMetrics(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, lastRate, seconds, data.Train.Count / seconds);
            history.Add(metrics);
            var isBest = testAccuracy > best;
            best = Math.Max(best, testAccuracy);
            var info = Describe(options, data, stats, epoch, step, testAccuracy, best);
            Checkpoint.Save(LastPrefix, model, info, optimizer);
            if (isBest)
            {
                Checkpoint.Save(BestPrefix, model, info);
            }

            MetricsCsv.Write(metricsPath, history);
            TrainingCurves.Save(Path.Combine(runFolder, TrainingCurves.FileName), history, $"{options.Architecture} on {data.Name}");
            progress.EpochCompleted(metrics, isBest);
        }

        return history;
    }

    public static int StepsPerEpoch(int images, int batchSize) =>
        images / batchSize + (images % batchSize >= 2 ? 1 : 0);

    private (double Loss, double Accuracy, double LastRate) TrainEpoch(
        ResNet model, OptimizerHelper optimizer, BatchTensors data, Normalizer normalizer,
        LearningRateSchedule schedule, TrainingOptions options, int epoch, ref long step)
    {
        model.train();
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
            OptimizerFactory.SetLearningRate(optimizer, rate);
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
        TrainingOptions options, TrainingData data, ChannelStatistics stats, int epoch, long step, double accuracy, double best) => new()
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
            TestAccuracy = accuracy,
            BestTestAccuracy = best,
            SavedAt = DateTimeOffset.UtcNow,
            ProducerVersion = ProducerVersion,
            Options = options,
        };
}
