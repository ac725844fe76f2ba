using System.Diagnostics;
using ResNetService.Inference.Images;
using ResNetService.Inference.Preprocessing;
using ResNetService.Onnx.ModelFile;

namespace ResNetService.Benchmarks.Service;

/// <summary>
/// Decoding plus preprocessing (resize, crop, normalise) of each 640x480 JPEG on one thread, with scaled decoding on
/// (<c>ImageDecoding:Scaled</c>, the default) and off, in alternating rounds, for ImageNet's 224 input and for the
/// shipped model's 48x48 grayscale one.
/// </summary>
public static class DecodingComparison
{
    public static void Run(byte[][] jpegs, int iterations)
    {
        var targets = new[]
        {
            ("ImageNet 224 (shorter side 256, crop)", PreprocessingSettings.ImageNet),
            ("shipped model 48 (direct, grayscale)", PreprocessingSettings.ImageNet with
            {
                ImageSize = 48, ResizeMode = ResizeModes.Direct, ResizeSize = 48, ColorMode = ColorModes.Grayscale,
            }),
        };
        var limits = new ImageLimits();
        foreach (var (name, settings) in targets)
        {
            var tensor = new float[settings.TensorLength];
            var spent = new Dictionary<bool, TimeSpan> { [true] = TimeSpan.Zero, [false] = TimeSpan.Zero };
            for (var round = 0; round <= iterations; round++) // round 0 warms up and is not counted
            {
                foreach (var scaled in new[] { true, false })
                {
                    var started = Stopwatch.GetTimestamp();
                    foreach (var jpeg in jpegs)
                    {
                        using var bitmap = ImageDecoder.Decode(jpeg, limits, scaled ? settings : null);
                        ImagePreprocessor.WriteTensor(bitmap, settings, tensor);
                    }

                    if (round > 0)
                    {
                        spent[scaled] += Stopwatch.GetElapsedTime(started);
                    }
                }
            }

            double PerImage(bool scaled) => spent[scaled].TotalMilliseconds / (iterations * jpegs.Length);
            Console.WriteLine($"{name}: decode + preprocess per 640x480 JPEG: scaled {PerImage(true):0.00} ms, whole {PerImage(false):0.00} ms " +
                $"({PerImage(false) / PerImage(true):0.0}x)");
        }
    }
}
