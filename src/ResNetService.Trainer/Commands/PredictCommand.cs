using System.CommandLine;
using System.Globalization;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Serving;
using ResNetService.Trainer.Cli;

namespace ResNetService.Trainer.Commands;

/// <summary>
/// <c>predict</c>: classifies image files with an exported ONNX model, through the service's own loading,
/// preprocessing and ranking code (ResNetService.Inference), so what it prints is what the API would answer.
/// </summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model")
        {
            Description = "The .onnx model (labels and preprocessing are read from its metadata or <model>.json).",
            Required = true,
        }.AcceptExistingOnly();
        var top = OptionFactory.Count("--top", 5, "How many classes to show per image.");
        var labels = new Option<FileInfo>("--labels")
        {
            Description = "Class names, one per line, for a model whose metadata has none.",
        }.AcceptExistingOnly();
        var images = new Argument<FileInfo[]>("images")
        {
            Description = "Image files (PNG, JPEG, WebP, ...).",
            Arity = ArgumentArity.OneOrMore,
        }.AcceptExistingOnly();

        var command = new Command("predict", "Classify images with an exported ONNX model and print the top classes.")
        {
            model, top, labels, images,
        };
        command.SetAction((parseResult, cancellationToken) => PredictAsync(
            parseResult.GetValue(model)!, parseResult.GetValue(labels), parseResult.GetValue(top), parseResult.GetValue(images)!,
            parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> PredictAsync(
        FileInfo modelFile, FileInfo? labelsFile, int top, FileInfo[] imageFiles, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        var model = OnnxSession.Load(new ModelLoadSettings { Path = modelFile.FullName, LabelsPath = labelsFile?.FullName });
        await using var classifier = new ImageClassifier(model, new BatchingOptions { MaxBatchSize = 8, QueueCapacity = 1024 }, new ImageLimits());
        var topK = Math.Min(top, model.Info.Classes);
        var contents = new List<ReadOnlyMemory<byte>>();
        foreach (var file in imageFiles)
        {
            contents.Add(await File.ReadAllBytesAsync(file.FullName, cancellationToken));
        }

        var results = await classifier.ClassifyBatchAsync(contents, topK, cancellationToken);
        var failures = 0;
        for (var i = 0; i < imageFiles.Length; i++)
        {
            if (results[i].Rejection is { } rejection)
            {
                error.WriteLine($"error: {imageFiles[i].Name}: {rejection.Message}");
                failures++;
                continue;
            }

            output.WriteLine(imageFiles[i].Name);
            foreach (var (prediction, rank) in results[i].Classification!.Predictions.Select((p, r) => (p, r + 1)))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {rank}. {prediction.Label,-30} {prediction.Probability * 100,6:F2}%  (class {prediction.Index})"));
            }
        }

        return failures == 0 ? 0 : TrainerCli.Failure;
    }
}
