using ResNetService.TestSupport;
using ResNetService.Trainer.Data;
using SkiaSharp;

namespace ResNetService.Trainer.Tests.Served;

/// <summary>
/// What the served-model tests share: the shipped models copied beside the tests, and Fashion-MNIST's test split from
/// Debian's <c>dataset-fashion-mnist</c> (installed when missing), its images as the data set holds them.
/// </summary>
internal static class FashionMnistTestSplit
{
    /// <summary>
    /// The served-model tests take both cores for tens of seconds each: run one at a time, and without a queue deadline
    /// (<see cref="NoQueueTimeout"/>), so that a busy machine makes them slower, never refused.
    /// </summary>
    public const string Collection = "served models";

    /// <summary>Batching:QueueTimeout for the served-model tests: none (they measure answers, not latency).</summary>
    public static readonly TimeSpan NoQueueTimeout = TimeSpan.Zero;

    public const string DataFolder = "/usr/share/datasets/fashion-mnist";

    public static readonly string Models = Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>How many test images a test uses: <c>SERVED_IMAGES</c> when set (10000: all), else <paramref name="fallback"/>.</summary>
    public static int Images(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("SERVED_IMAGES"), out var images) && images > 0 ? images : fallback;

    public static RawImages Load()
    {
        DebianPackages.RequireFolder(DataFolder, "dataset-fashion-mnist");
        var files = IdxReader.FindFiles(DataFolder);
        return IdxReader.Read(files.TestImages, files.TestLabels);
    }

    /// <summary>Test image <paramref name="index"/>, 28x28 grayscale.</summary>
    public static SKBitmap Bitmap(RawImages set, int index)
    {
        var bitmap = new SKBitmap(new SKImageInfo(set.Width, set.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        set.Pixels.AsSpan(index * set.ImageBytes, set.ImageBytes).CopyTo(bitmap.GetPixelSpan());
        return bitmap;
    }
}

[CollectionDefinition(FashionMnistTestSplit.Collection)]
public sealed class ServedModelsCollection;
