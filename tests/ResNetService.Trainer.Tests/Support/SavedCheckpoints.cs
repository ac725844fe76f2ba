using ResNetService.Onnx.ModelFile;
using ResNetService.Topology;
using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Tests.Export;
using ResNetService.Trainer.Training;

namespace ResNetService.Trainer.Tests.Support;

/// <summary>A checkpoint on disk without a training run: trained-looking random weights and the info a run would save.</summary>
internal static class SavedCheckpoints
{
    /// <returns>The checkpoint's prefix, <c>folder/best</c>.</returns>
    public static string Write(string folder, ResNetConfig config, int imageSize, float[] mean, float[] std, string colorMode = ColorModes.Rgb)
    {
        using var model = TrainedLikeModels.Create(config, imageSize);
        var info = new CheckpointInfo
        {
            Architecture = config.Architecture.Name,
            Variant = config.Variant.Name(),
            Labels = [.. Enumerable.Range(0, config.NumClasses).Select(i => $"class {i}")],
            ImageSize = imageSize,
            ResizeMode = ResizeModes.Direct,
            Mean = mean,
            Std = std,
            ColorMode = colorMode,
            Dataset = "test",
            Epoch = 1,
            Step = 1,
            TestAccuracy = 0.5,
            BestTestAccuracy = 0.5,
            SavedAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            ProducerVersion = "trainer-tests",
            Options = new TrainingOptions { Data = "idx:" + folder, Architecture = config.Architecture.Name, ImageSize = imageSize },
        };
        var prefix = Path.Combine(folder, Checkpoint.Best);
        Checkpoint.Save(prefix, model, info);
        return prefix;
    }
}
