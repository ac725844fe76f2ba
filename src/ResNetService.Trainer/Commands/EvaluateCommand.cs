using System.CommandLine;
using System.Globalization;
using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Cli;
using ResNetService.Trainer.Evaluation;
using ResNetService.Trainer.Native;
using Spectre.Console;

namespace ResNetService.Trainer.Commands;

/// <summary><c>evaluate</c>: accuracy, test loss, per-class accuracy and confusion matrix of a checkpoint or an exported ONNX model.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint to evaluate: a run folder (its best) or a prefix such as runs/x/best." };
        var model = new Option<FileInfo?>("--model") { Description = "Exported ONNX model to evaluate with ONNX Runtime (preprocessing from its metadata)." };
        var data = new Option<string?>("--data") { Description = "Data set whose test split is used (default for a checkpoint: the one it was trained on). Required with --model." };
        var labels = new Option<FileInfo?>("--labels") { Description = "With --model: text file with the data set's class names, one per line (IDX sets without built-in names)." };
        var batchSize = OptionFactory.Count("--batch-size", 64, "Images per forward pass.");
        var plot = new Option<FileInfo?>("--plot") { Description = "Confusion matrix PNG to write (default: confusion-matrix.png beside the checkpoint or model)." };
        var limit = OptionFactory.Count("--limit", 0, "Evaluate only the first N test images (0: all).", min: 0);
        var predictions = new Option<FileInfo?>("--predictions")
        {
            Description = "CSV to write with each test image's index, true class, predicted class and class probabilities (in the test split's order).",
        };

        var command = new Command("evaluate", "Evaluate a checkpoint or an ONNX model on a test split: accuracy, test loss (mean cross-entropy), per-class accuracy, confusion matrix (text and PNG).")
        {
            checkpoint, model, data, labels, batchSize, plot, limit, predictions,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(checkpoint) is null) == (result.GetResult(model) is null))
            {
                result.AddError("give exactly one of --checkpoint or --model.");
            }
            else if (result.GetResult(model) is not null && result.GetResult(data) is null)
            {
                result.AddError("--model needs --data (an ONNX file does not record where its data lives).");
            }
        });
        command.SetAction(parse =>
        {
            EvaluationResult result;
            string defaultFolder;
            string title;
            if (parse.GetValue(checkpoint) is { } checkpointPath)
            {
                TorchRuntime.EnsureLoaded();
                var prefix = Checkpoint.Resolve(checkpointPath);
                var info = Checkpoint.ReadInfo(prefix);
                result = CheckpointEvaluator.Evaluate(prefix, info, parse.GetValue(data), parse.GetValue(batchSize), parse.GetValue(limit));
                defaultFolder = Path.GetDirectoryName(Path.GetFullPath(prefix))!;
                title = $"{info.Architecture} on {info.Dataset} ({Path.GetFileName(prefix)})";
            }
            else
            {
                var modelFile = parse.GetValue(model)!;
                if (!modelFile.Exists)
                {
                    throw new CliException($"Model file not found: {modelFile.FullName}");
                }

                result = OnnxEvaluator.Evaluate(modelFile.FullName, parse.GetValue(data)!, parse.GetValue(batchSize), parse.GetValue(labels)?.FullName, parse.GetValue(limit));
                defaultFolder = modelFile.DirectoryName!;
                title = modelFile.Name;
            }

            var pngPath = parse.GetValue(plot)?.FullName ?? Path.Combine(defaultFolder, "confusion-matrix.png");
            ConfusionMatrixImage.Save(result.Matrix, pngPath, title);
            var console = CliConsole.Create(parse.InvocationConfiguration.Output);
            Report(console, result, pngPath);
            if (parse.GetValue(predictions) is { } predictionsFile)
            {
                result.Predictions.Save(predictionsFile.FullName);
                console.WriteLine($"Predictions of {result.Predictions.Count} test images: {predictionsFile.FullName}");
            }
            return 0;
        });
        return command;
    }

    private static void Report(IAnsiConsole console, EvaluationResult result, string pngPath)
    {
        var matrix = result.Matrix;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Accuracy: {100 * matrix.Accuracy:F2}% on {matrix.Total} test images"));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Test loss: {result.TestLoss:F4} (mean cross-entropy)"));
        var table = new Table().AddColumn("class").AddColumn(new TableColumn("images").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned());
        for (var c = 0; c < matrix.Classes.Count; c++)
        {
            table.AddRow(Markup.Escape(matrix.Classes[c]), matrix.Support(c).ToString(CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{100 * matrix.ClassAccuracy(c):F2}%"));
        }

        console.Write(table);
        console.WriteLine("Confusion matrix (rows: true class, columns: predicted class):");
        console.WriteLine(matrix.ToText());
        console.WriteLine($"Confusion matrix picture: {pngPath}");
    }
}
