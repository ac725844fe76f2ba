using System.CommandLine;
using ResNetService.Onnx.ResNet;
using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Cli;
using ResNetService.Trainer.Export;
using ResNetService.Trainer.Native;
using ResNetService.Trainer.Runs;

namespace ResNetService.Trainer.Commands;

/// <summary><c>export</c>: writes a checkpoint as an ONNX model with its metadata, then proves it computes the same logits.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "Checkpoint to export: a run folder (its best), or a prefix such as runs/x/best or runs/x/last.",
            Required = true,
        };
        var output = new Option<FileInfo>("--out") { Description = "ONNX file to write, e.g. models/model.onnx.", Required = true };
        var outputs = Outputs();

        var command = new Command("export", "Export a checkpoint to ONNX (labels and preprocessing in metadata_props) and check parity with ONNX Runtime.")
        {
            checkpoint, output, outputs,
        };
        command.SetAction(parse =>
        {
            TorchRuntime.EnsureLoaded();
            var writer = parse.InvocationConfiguration.Output;
            var prefix = Checkpoint.Resolve(parse.GetValue(checkpoint)!);
            var info = Checkpoint.ReadInfo(prefix);
            using var model = Checkpoint.LoadModel(prefix, info);
            var path = parse.GetValue(output)!.FullName;
            var extraOutputs = parse.GetValue(outputs);

            // The input is fixed at the trained size: users and ONNX Runtime see [batch, 3, S, S], not free height/width.
            OnnxExporter.Write(model, path, CheckpointMetadata.From(info), TrainingRun.ProducerVersion, info.ImageSize, extraOutputs);
            writer.WriteLine($"Wrote {path} ({new FileInfo(path).Length / 1e6:F1} MB): {info.Architecture} {info.Variant}, " +
                $"{info.Labels.Count} classes, {info.ImageSize}x{info.ImageSize}, {info.DescribeAccuracy()}.");

            var parity = ParityCheck.RunAll(model, path, info.ImageSize);
            foreach (var result in parity)
            {
                writer.WriteLine($"Parity check, {result}");
            }

            return parity.FirstOrDefault(result => !result.Passed) is { } failed
                ? throw new CliException($"the exported model differs from the checkpoint: largest {failed.Output} difference {failed.MaxAbsDifference:G3} exceeds {failed.Tolerance:G3}.")
                : 0;
        });
        return command;
    }

    /// <summary><c>--outputs embedding,feature_map</c>: graph outputs beside logits, which stays the first.</summary>
    private static Option<ExtraOutputs> Outputs() => new("--outputs")
    {
        Description = $"Graph outputs beside {ResNetOnnxExporter.OutputName} (always the first), comma-separated: " +
            $"{ResNetOnnxExporter.EmbeddingName} ([batch, C], the last feature map pooled: the classifier's input), " +
            $"{ResNetOnnxExporter.FeatureMapName} ([batch, C, h, w], the last stage's output). Default: logits only.",
        CustomParser = result =>
        {
            var extra = ExtraOutputs.None;
            foreach (var name in result.Tokens.SelectMany(token => token.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
            {
                switch (name)
                {
                    case ResNetOnnxExporter.OutputName:
                        break;
                    case ResNetOnnxExporter.EmbeddingName:
                        extra |= ExtraOutputs.Embedding;
                        break;
                    case ResNetOnnxExporter.FeatureMapName:
                        extra |= ExtraOutputs.FeatureMap;
                        break;
                    default:
                        result.AddError($"unknown output '{name}' for --outputs; use {ResNetOnnxExporter.EmbeddingName} and/or {ResNetOnnxExporter.FeatureMapName}.");
                        return ExtraOutputs.None;
                }
            }

            return extra;
        },
    };
}
