using System.CommandLine;
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

        var command = new Command("export", "Export a checkpoint to ONNX (labels and preprocessing in metadata_props) and check parity with ONNX Runtime.")
        {
            checkpoint, output,
        };
        command.SetAction(parse =>
        {
            TorchRuntime.EnsureLoaded();
            var writer = parse.InvocationConfiguration.Output;
            var prefix = Checkpoint.Resolve(parse.GetValue(checkpoint)!);
            var info = Checkpoint.ReadInfo(prefix);
            using var model = Checkpoint.LoadModel(prefix, info);
            var path = parse.GetValue(output)!.FullName;

            // The input is fixed at the trained size: users and ONNX Runtime see [batch, 3, S, S], not free height/width.
            OnnxExporter.Write(model, path, CheckpointMetadata.From(info), TrainingRun.ProducerVersion, info.ImageSize);
            writer.WriteLine($"Wrote {path} ({new FileInfo(path).Length / 1e6:F1} MB): {info.Architecture} {info.Variant}, " +
                $"{info.Labels.Count} classes, {info.ImageSize}x{info.ImageSize}, test accuracy {100 * info.TestAccuracy:F2}%.");

            var parity = ParityCheck.Run(model, path, info.ImageSize);
            writer.WriteLine($"Parity check: {parity}");
            return parity.Passed
                ? 0
                : throw new CliException($"the exported model differs from the checkpoint: largest logit difference {parity.MaxAbsDifference:G3} exceeds {parity.Tolerance:G3}.");
        });
        return command;
    }
}
