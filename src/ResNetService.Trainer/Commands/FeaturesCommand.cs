using System.CommandLine;
using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Cli;
using ResNetService.Trainer.Features;
using ResNetService.Trainer.Native;

namespace ResNetService.Trainer.Commands;

/// <summary>
/// <c>features</c>: writes a checkpoint's feature maps C1..C5 and pooled embedding for image files as .npy files, and
/// prints their shapes. A checkpoint, not an ONNX file: an export declares at most the last map and the embedding.
/// </summary>
public static class FeaturesCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "Checkpoint to run: a run folder (its best), or a prefix such as runs/x/best or runs/x/last.",
            Required = true,
        };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder for c1.npy .. c5.npy ([N, C, H, W]) and embedding.npy ([N, C]), float32; row i is the i-th image.",
            Required = true,
        };
        var batchSize = OptionFactory.Count("--batch-size", 16, "Images per forward pass.");
        var images = new Argument<FileInfo[]>("images")
        {
            Description = "Image files (PNG, JPEG, WebP, ...), preprocessed as the service would for this checkpoint's export.",
            Arity = ArgumentArity.OneOrMore,
        }.AcceptExistingOnly();

        var command = new Command("features", "Write the feature maps C1..C5 and the pooled embedding of images as NumPy .npy files.")
        {
            checkpoint, output, batchSize, images,
        };
        command.SetAction(parse =>
        {
            TorchRuntime.EnsureLoaded();
            var prefix = Checkpoint.Resolve(parse.GetValue(checkpoint)!);
            var info = Checkpoint.ReadInfo(prefix);
            using var model = Checkpoint.LoadModel(prefix, info);
            var folder = parse.GetValue(output)!.FullName;
            var files = FeatureExtractor.Extract(model, CheckpointMetadata.Preprocessing(info),
                [.. parse.GetValue(images)!.Select(file => file.FullName)], folder, parse.GetValue(batchSize));

            var writer = parse.InvocationConfiguration.Output;
            writer.WriteLine($"Wrote the features of {files[0].Shape[0]} images ({info.Architecture} {info.Variant}, {info.ImageSize}x{info.ImageSize}) to {folder}:");
            foreach (var file in files)
            {
                writer.WriteLine($"  {Path.GetFileName(file.Path),-14} [{string.Join(", ", file.Shape)}]");
            }

            return 0;
        });
        return command;
    }
}
