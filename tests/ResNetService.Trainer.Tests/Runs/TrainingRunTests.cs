using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Runs;
using ResNetService.Trainer.Tests.Support;
using ResNetService.Trainer.Training;

namespace ResNetService.Trainer.Tests.Runs;

/// <summary>
/// A run seeds libtorch's global generator; a test building a network beside it would draw from that generator
/// too, so these runs, which compare seeded runs, run with no other test in parallel.
/// </summary>
[CollectionDefinition(nameof(SeededTrainingCollection), DisableParallelization = true)]
public sealed class SeededTrainingCollection;

/// <summary>Short real runs: ResNet-18 at 32x32 on a few dozen IDX images whose brightness gives away the class.</summary>
[Collection(nameof(SeededTrainingCollection))]
public sealed class TrainingRunTests
{
    private static TrainingOptions Options(string data, int epochs) => new()
    {
        Data = "idx:" + data,
        Architecture = "resnet18",
        ImageSize = 32,
        Epochs = epochs,
        BatchSize = 8,
        LearningRate = 2e-3,
        WeightDecay = 0,
        Augmentation = new AugmentationOptions(CropPadding: 0, HorizontalFlip: false),
        Seed = 1,
    };

    [Fact]
    public void Training_lowers_the_loss_and_writes_checkpoints_metrics_and_curves()
    {
        using var folder = new TempFolder();
        IdxWriter.WriteDataSet(folder["bright"], trainCount: 24, testCount: 8, classes: 4);
        var run = new TrainingRun(folder["run"], new SilentProgress());

        var history = run.Run(Options(folder["bright"], epochs: 3));

        Assert.Equal(3, history.Count);
        // Batch norm over 8 images makes single epochs noisy, so the claim is that training gets well below its start.
        Assert.True(history.Skip(1).Min(m => m.TrainLoss) < 0.7 * history[0].TrainLoss,
            $"training loss should fall: {string.Join(", ", history.Select(m => m.TrainLoss.ToString("F3")))}");
        foreach (var file in new[] { "last.json", "last.weights", "last.optimizer", "best.json", "best.weights", "metrics.csv", "training-curves.png" })
        {
            Assert.True(File.Exists(Path.Combine(folder["run"], file)), file + " is missing");
        }

        var rows = MetricsCsv.Read(Path.Combine(folder["run"], MetricsCsv.FileName));
        Assert.Equal([1, 2, 3], rows.Select(r => r.Epoch));
        Assert.Equal(history[^1].SelectionAccuracy, rows[^1].SelectionAccuracy, 5);
    }

    [Fact]
    public void The_best_checkpoint_reloads_to_the_accuracy_it_recorded()
    {
        using var folder = new TempFolder();
        IdxWriter.WriteDataSet(folder["bright"], trainCount: 16, testCount: 8, classes: 4);
        new TrainingRun(folder["run"], new SilentProgress()).Run(Options(folder["bright"], epochs: 1));

        var prefix = Checkpoint.Resolve(folder["run"]);
        var info = Checkpoint.ReadInfo(prefix);
        using var model = Checkpoint.LoadModel(prefix, info);
        var data = ResNetService.Trainer.Data.DataSource.Load("idx:" + folder["bright"], new(info.ImageSize));
        using var test = new BatchTensors(data.Test);
        using var normalizer = new Normalizer(info.Mean, info.Std);
        var (predictions, _) = Predictor.Predict(model, test, normalizer, batchSize: 7);

        Assert.Equal("resnet18", info.Architecture);
        Assert.Equal(["0", "1", "2", "3"], info.Labels);
        Assert.Equal(info.TestAccuracy!.Value, (double)predictions.Where((p, i) => p == data.Test.Labels[i]).Count() / data.Test.Count, 6);
    }

    [Fact]
    public void A_holdout_chooses_the_best_epoch_and_the_test_split_is_scored_once_for_it()
    {
        using var folder = new TempFolder();
        IdxWriter.WriteDataSet(folder["bright"], trainCount: 32, testCount: 8, classes: 4);
        var options = Options(folder["bright"], epochs: 2) with { Holdout = 0.25 };

        var history = new TrainingRun(folder["run"], new SilentProgress()).Run(options);

        Assert.All(history, m => Assert.Equal(SelectionSplits.Validation, m.Split));
        Assert.StartsWith("epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,",
            File.ReadLines(Path.Combine(folder["run"], MetricsCsv.FileName)).First());
        var best = Checkpoint.ReadInfo(Path.Combine(folder["run"], Checkpoint.Best));
        Assert.Equal(SelectionSplits.Validation, best.SelectedOn);
        Assert.Equal(8, best.ValidationImages);
        Assert.Equal(history.Max(m => m.SelectionAccuracy), best.ValidationAccuracy);
        Assert.Equal(history.First(m => m.SelectionAccuracy == best.ValidationAccuracy).Epoch, best.BestEpoch);
        Assert.Null(best.BestTestAccuracy);
        // Only the best checkpoint is tested, once: its test accuracy is that of its weights on the test split ...
        var data = ResNetService.Trainer.Data.DataSource.Load("idx:" + folder["bright"], new(best.ImageSize));
        Assert.Equal(Accuracy(Path.Combine(folder["run"], Checkpoint.Best), data.Test), best.TestAccuracy!.Value, 6);
        // ... and its validation accuracy is that of the same weights on the held-out training images.
        var (_, validation) = TrainingRun.HoldOut(data.Train, options);
        Assert.Equal(Accuracy(Path.Combine(folder["run"], Checkpoint.Best), validation!), best.ValidationAccuracy!.Value, 6);
        Assert.Null(Checkpoint.ReadInfo(Path.Combine(folder["run"], Checkpoint.Last)).TestAccuracy);
    }

    [Fact]
    public void Patience_stops_the_run_once_the_selection_accuracy_has_not_improved_for_that_many_epochs()
    {
        using var folder = new TempFolder();
        IdxWriter.WriteDataSet(folder["bright"], trainCount: 32, testCount: 8, classes: 4);
        // A rate this small leaves the weights as they are, so later epochs cannot beat the first.
        var options = Options(folder["bright"], epochs: 6) with
        {
            Holdout = 0.25,
            Patience = 2,
            LearningRate = 1e-12,
            Schedule = LearningRateSchedule.Constant,
        };

        var history = new TrainingRun(folder["run"], new SilentProgress()).Run(options);

        var bestEpoch = history.First(m => m.SelectionAccuracy == history.Max(h => h.SelectionAccuracy)).Epoch;
        Assert.Equal(Math.Min(6, bestEpoch + 2), history.Count);
        Assert.True(history.Count < 6, $"the run should stop early; it trained {history.Count} epochs");
    }

    private static double Accuracy(string prefix, ResNetService.Trainer.Data.ImageSet images)
    {
        var info = Checkpoint.ReadInfo(prefix);
        using var model = Checkpoint.LoadModel(prefix, info);
        using var batches = new BatchTensors(images);
        using var normalizer = new Normalizer(info.Mean, info.Std);
        var (predictions, _) = Predictor.Predict(model, batches, normalizer, batchSize: 5);
        return (double)predictions.Where((p, i) => p == images.Labels[i]).Count() / images.Count;
    }

    [Fact]
    public void Resuming_continues_exactly_where_the_run_stopped()
    {
        using var folder = new TempFolder();
        IdxWriter.WriteDataSet(folder["bright"], trainCount: 16, testCount: 8, classes: 4);
        var whole = new TrainingRun(folder["whole"], new SilentProgress()).Run(Options(folder["bright"], epochs: 2));

        using var stop = new CancellationTokenSource();
        var interrupted = new TrainingRun(folder["split"], new StopAfterFirstEpoch(stop));
        Assert.Single(interrupted.Run(Options(folder["bright"], epochs: 2), cancellation: stop.Token));
        var resumed = interrupted.Run(Options(folder["bright"], epochs: 2), interrupted.ReadResumeInfo());

        Assert.Equal([1, 2], resumed.Select(m => m.Epoch));
        Assert.Equal(whole[1].TrainLoss, resumed[1].TrainLoss, 4);
        Assert.Equal(whole[1].SelectionLoss, resumed[1].SelectionLoss, 4);
        var saved = Checkpoint.ReadInfo(interrupted.LastPrefix);
        Assert.Equal(2, saved.Epoch);
        Assert.Equal(2 * TrainingRun.StepsPerEpoch(16, 8), saved.Step);
        Assert.Equal(Options(folder["bright"], epochs: 2), saved.Options);
    }
}

/// <summary>Cancels the run when its first epoch ends, as Ctrl+C would.</summary>
internal sealed class StopAfterFirstEpoch(CancellationTokenSource stop) : ITrainingProgress
{
    public void Message(string text)
    {
    }

    public void EpochStarted(int epoch, int epochs, int steps)
    {
    }

    public void StepCompleted(int step, double loss, double accuracy, double imagesPerSecond)
    {
    }

    public void EpochCompleted(EpochMetrics metrics, bool best) => stop.Cancel();
}
