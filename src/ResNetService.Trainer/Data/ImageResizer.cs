using ResNetService.Inference.Preprocessing;
using ResNetService.Onnx.ModelFile;
using SkiaSharp;

namespace ResNetService.Trainer.Data;

/// <summary>
/// Brings one image to the square network size, three channels, CHW bytes, with the service's own
/// <see cref="ImagePreprocessor.Resize(SkiaSharp.SKBitmap, PreprocessingSettings)"/>: the network trains on exactly the pixels it will be served.
/// Shorter-side-crop uses the service's default shorter side (<see cref="PreprocessingSettings.DefaultResizeSize"/>),
/// which the export writes into the model's metadata.
/// </summary>
public static class ImageResizer
{
    /// <summary>Resizes HWC bytes (1 channel gray or 3 channels RGB) into <paramref name="chw"/> (3 x size x size).</summary>
    public static void Resize(
        ReadOnlySpan<byte> hwc, int width, int height, int channels, Span<byte> chw, int size, string resizeMode)
    {
        using var bitmap = channels switch
        {
            1 => new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque)),
            3 => new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque)),
            _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "Images have 1 or 3 channels."),
        };
        var pixels = bitmap.GetPixelSpan();
        if (channels == 1)
        {
            hwc.CopyTo(pixels);
        }
        else
        {
            for (int source = 0, target = 0; source < hwc.Length; source += 3, target += 4)
            {
                pixels[target] = hwc[source];
                pixels[target + 1] = hwc[source + 1];
                pixels[target + 2] = hwc[source + 2];
                pixels[target + 3] = 255;
            }
        }

        Resize(bitmap, chw, size, resizeMode);
    }

    /// <summary>Resizes a decoded image into <paramref name="chw"/> (3 x size x size).</summary>
    public static void Resize(SKBitmap image, Span<byte> chw, int size, string resizeMode)
    {
        using var square = ImagePreprocessor.Resize(image, Settings(size, resizeMode));
        ReadOnlySpan<byte> rgba = square.GetPixelSpan();
        var plane = size * size;
        for (var p = 0; p < plane; p++)
        {
            chw[p] = rgba[4 * p];
            chw[plane + p] = rgba[4 * p + 1];
            chw[2 * plane + p] = rgba[4 * p + 2];
        }
    }

    /// <summary>The service's settings for this size and mode; mean and std do not matter to the resize.</summary>
    public static PreprocessingSettings Settings(int size, string resizeMode, IReadOnlyList<float>? mean = null,
        IReadOnlyList<float>? std = null, string colorMode = ColorModes.Rgb)
    {
        if (resizeMode is not (ResizeModes.Direct or ResizeModes.ShorterSideThenCrop))
        {
            throw new ArgumentException($"Unknown resize mode '{resizeMode}'.", nameof(resizeMode));
        }

        return new PreprocessingSettings(size, resizeMode, PreprocessingSettings.DefaultResizeSize(size),
            mean ?? [0f, 0f, 0f], std ?? [1f, 1f, 1f], colorMode);
    }
}
