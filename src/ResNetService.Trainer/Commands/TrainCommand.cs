using System.CommandLine;
using ResNetService.Onnx.ModelFile;
using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Cli;
using ResNetService.Trainer.Data;
using ResNetService.Trainer.Native;
using ResNetService.Trainer.Runs;
using ResNetService.Trainer.Training;
using Spectre.Console;
using static ResNetService.Trainer.Cli.OptionFactory;

namespace ResNetService.Trainer.Commands;

/// <summary><c>train</c>: trains a ResNet on a data set into a run folder, or resumes one.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = $"Data set: {DataSource.Formats}. Required unless --resume." };
        var architecture = NetworkOptions.Architecture();
        var variant = NetworkOptions.Variant();
        var head = NetworkOptions.Head();
        var imageSize = NetworkOptions.ImageSize(32);
        var resizeMode = Choice("--resize-mode", ResizeModes.Direct, "How images become square: direct (stretch) or shorter_side_crop.",
            ResizeModes.Direct, ResizeModes.ShorterSideThenCrop);
        var labels = new Option<FileInfo?>("--labels") { Description = "Text file with one class name per line, in label order." };
        var datasetName = new Option<string?>("--dataset-name") { Description = "Name recorded in checkpoints and the ONNX metadata (default: from the path)." };
        var validationSplit = Number("--validation-split", 0.2, "Share of each class held out for testing when an image folder has no train/ and test/.", 0, 1);
        var holdout = Number("--holdout", 0, "Share of each class of the training split held out (seeded) to choose the best epoch and stop early; " +
            "the test split is then scored once, at the end. 0: the test split chooses.", 0, 0.9);
        var patience = Count("--patience", 0, "Stop after this many epochs without a better accuracy on the selection split (0: never).", min: 0);
        var mean = Triple("--mean", "Per-channel mean on the 0..1 scale, e.g. 0.5,0.5,0.5 (default: computed from the training split).");
        var std = Triple("--std", "Per-channel standard deviation on the 0..1 scale (default: computed from the training split).");
        var epochs = Count("--epochs", 10, "Epochs to train (with --resume: the new total).");
        var batchSize = Count("--batch-size", 64, "Images per optimizer step.");
        var optimizer = Choice("--optimizer", OptimizerFactory.Adam, "adam, adamw or sgd (with momentum).", [.. OptimizerFactory.All]);
        var learningRate = Number("--lr", 1e-3, "Peak learning rate.", 0, double.MaxValue, exclusiveMin: true);
        var weightDecay = Number("--weight-decay", 5e-4, "L2 weight decay (decoupled for adamw).", 0, double.MaxValue);
        var momentum = Number("--momentum", 0.9, "SGD momentum.", 0, 1);
        var nesterov = new Option<bool>("--nesterov") { Description = "Nesterov momentum for SGD." };
        var schedule = Choice("--schedule", LearningRateSchedule.Cosine, "Learning rate per step: cosine, onecycle or constant.", [.. LearningRateSchedule.Kinds]);
        var cropPadding = new Option<int>("--crop-padding") { Description = "Random crop after padding each side by this many pixels; 0 turns it off.", DefaultValueFactory = _ => 4 };
        var flip = new Option<bool>("--hflip") { Description = "Random horizontal flips (--hflip false to turn off, e.g. for digits).", DefaultValueFactory = _ => true };
        var erasing = Number("--random-erasing", 0, "Probability of random erasing per image.", 0, 1);
        var zeroInit = new Option<bool>("--zero-init-residual") { Description = "Start each block's last batch norm at zero, so every residual block starts as the identity." };
        var initFrom = new Option<FileInfo?>("--init-from")
        {
            Description = "Start from the weights of this file instead of random ones: an earlier export, or any ResNet with torchvision's " +
                "names as ONNX, a PyTorch state_dict (torch.save) or safetensors. A classifier for another class count starts afresh.",
        };
        var freeze = new Option<string?>("--freeze")
        {
            Description = $"Freeze the network up to and including {FineTuning.Stem} or a stage (layer1..layer4): those weights stay as loaded and their batch norms in inference mode.",
        };
        var backboneScale = Number("--backbone-lr-scale", 1, "Learning rate of every layer but the classifier, as a share of --lr (e.g. 0.1 for pretrained layers under a new head).", 0, 1);
        var seed = new Option<int>("--seed") { Description = "Seed for initialisation, shuffling, augmentation and the split.", DefaultValueFactory = _ => 0 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Run folder: checkpoints, metrics.csv, training-curves.png.", Required = true };
        var threads = new Option<int>("--threads")
        {
            Description = "CPU threads for libtorch (0: its default, one per core). On a machine shared with other work, fewer threads avoid contention.",
            DefaultValueFactory = _ => 0,
        };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint, with its saved options." };

        var command = new Command("train", "Train a ResNet; keeps last and best checkpoints, metrics.csv and training curves in the run folder.")
        {
            data, architecture, variant, head, imageSize, resizeMode, labels, datasetName, validationSplit, holdout, patience, mean, std,
            epochs, batchSize, optimizer, learningRate, weightDecay, momentum, nesterov, schedule,
            cropPadding, flip, erasing, zeroInit, initFrom, freeze, backboneScale, seed, threads, output, resume,
        };
        command.SetAction((parse, cancellation) =>
        {
            var console = CliConsole.Create(parse.InvocationConfiguration.Output);
            var run = new TrainingRun(parse.GetValue(output)!.FullName, new SilentProgress());
            CheckpointInfo? resumeFrom = null;
            TrainingOptions options;
            if (parse.GetValue(resume))
            {
                resumeFrom = run.ReadResumeInfo();
                var explicitEpochs = parse.GetResult(epochs) is { Implicit: false };
                options = resumeFrom.Options with { Epochs = explicitEpochs ? parse.GetValue(epochs) : resumeFrom.Options.Epochs };
                console.WriteLine($"Resuming {run.LastPrefix} after epoch {resumeFrom.Epoch} of {options.Epochs}.");
            }
            else
            {
                options = new TrainingOptions
                {
                    Data = parse.GetValue(data) ?? throw new CliException("--data is required (or --resume to continue a run)."),
                    Architecture = parse.GetValue(architecture)!.Name,
                    Variant = parse.GetValue(variant)!,
                    Head = parse.GetValue(head)!,
                    ImageSize = parse.GetValue(imageSize),
                    ResizeMode = parse.GetValue(resizeMode)!,
                    LabelsFile = parse.GetValue(labels)?.FullName,
                    DatasetName = parse.GetValue(datasetName),
                    ValidationSplit = parse.GetValue(validationSplit),
                    Holdout = parse.GetValue(holdout),
                    Patience = parse.GetValue(patience),
                    Mean = parse.GetValue(mean) is { Length: 3 } m ? m : null,
                    Std = parse.GetValue(std) is { Length: 3 } s ? s : null,
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    Optimizer = parse.GetValue(optimizer)!,
                    LearningRate = parse.GetValue(learningRate),
                    WeightDecay = parse.GetValue(weightDecay),
                    Momentum = parse.GetValue(momentum),
                    Nesterov = parse.GetValue(nesterov),
                    Schedule = parse.GetValue(schedule)!,
                    Augmentation = new AugmentationOptions(parse.GetValue(cropPadding), parse.GetValue(flip), parse.GetValue(erasing)),
                    Seed = parse.GetValue(seed),
                    ZeroInitResidual = parse.GetValue(zeroInit),
                    InitialWeights = parse.GetValue(initFrom)?.FullName,
                    Freeze = parse.GetValue(freeze),
                    BackboneLearningRateScale = parse.GetValue(backboneScale),
                };
                if (options.Mean is null != options.Std is null)
                {
                    throw new CliException("--mean and --std go together.");
                }
            }

            TorchRuntime.EnsureLoaded();
            if (parse.GetValue(threads) is > 0 and var count)
            {
                TorchSharp.torch.set_num_threads(count);
            }

            var history = ConsoleProgress.Run(console, progress =>
                new TrainingRun(parse.GetValue(output)!.FullName, progress).Run(options, resumeFrom, cancellation));
            var summary = File.Exists(Checkpoint.InfoPath(run.BestPrefix)) ? Checkpoint.ReadInfo(run.BestPrefix).DescribeAccuracy() : "no epoch completed";
            console.WriteLine($"Best checkpoint: {summary}. Checkpoints: {run.BestPrefix}.*, {run.LastPrefix}.*");
            return Task.FromResult(0);
        });
        return command;
    }
}
