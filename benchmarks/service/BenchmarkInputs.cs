using System.Text.Json;
using ResNetService.Onnx.ModelFile;
using ResNetService.TestSupport;
using ResNetService.Topology;
using SkiaSharp;

namespace ResNetService.Benchmarks.Service;

/// <summary>The model and images every scenario uses: a random-weight ResNet-50 and photos-sized JPEGs.</summary>
public static class BenchmarkInputs
{
    public const int ImageSize = 224;

    /// <summary>A ResNet-50 (1000 classes, 224x224, ImageNet preprocessing) with random weights.</summary>
    public static string WriteModel(string folder, string? labelsFile)
    {
        var metadata = new Dictionary<string, string>
        {
            [ModelMetadataKeys.ImageSize] = ImageSize.ToString(),
            [ModelMetadataKeys.ResizeMode] = ResizeModes.ShorterSideThenCrop,
            [ModelMetadataKeys.ResizeSize] = "256",
            [ModelMetadataKeys.Mean] = "[0.485,0.456,0.406]",
            [ModelMetadataKeys.Std] = "[0.229,0.224,0.225]",
            [ModelMetadataKeys.Architecture] = ResNetArchitecture.ResNet50.Name,
        };
        if (labelsFile is not null && File.Exists(labelsFile))
        {
            metadata[ModelMetadataKeys.Labels] = JsonSerializer.Serialize(File.ReadAllLines(labelsFile));
        }

        var path = Path.Combine(folder, "resnet50-random.onnx");
        RandomResNetModel.Write(path, new ResNetConfig(ResNetArchitecture.ResNet50, 1000), metadata, seed: 1, imageSize: ImageSize);
        return path;
    }

    /// <summary><paramref name="count"/> different JPEGs of <paramref name="width"/> x <paramref name="height"/>: gradients and shapes.</summary>
    public static byte[][] Jpegs(int count, int width = 640, int height = 480) =>
        Enumerable.Range(0, count).Select(seed => Jpeg(seed, width, height)).ToArray();

    private static byte[] Jpeg(int seed, int width, int height)
    {
        var random = new Random(seed);
        SKColor Color() => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        using var background = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height), [Color(), Color()], SKShaderTileMode.Clamp),
        };
        canvas.DrawRect(0, 0, width, height, background);
        using var paint = new SKPaint { IsAntialias = true };
        for (var i = 0; i < 12; i++)
        {
            paint.Color = Color().WithAlpha(200);
            canvas.DrawCircle(random.Next(width), random.Next(height), 10 + random.Next(120), paint);
        }

        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
