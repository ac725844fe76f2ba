using ResNetService.Onnx.ModelFile;

namespace ResNetService.Trainer.Data;

/// <summary>How a data set is turned into network inputs.</summary>
/// <param name="ImageSize">Side of the square the images are resized to.</param>
/// <param name="ResizeMode">A <see cref="ResizeModes"/> value.</param>
/// <param name="LabelsFile">Optional text file with one class name per line, in label order; overrides the names the data carries.</param>
/// <param name="ValidationSplit">Share of each class held out for testing when an image folder has no train/test folders.</param>
/// <param name="Seed">Seed of that split.</param>
/// <param name="Name">Data set name to record; by default taken from the path.</param>
public sealed record DataOptions(
    int ImageSize,
    string ResizeMode = ResizeModes.Direct,
    string? LabelsFile = null,
    double ValidationSplit = 0.2,
    int Seed = 0,
    string? Name = null);
