using ResNetService.Inference.Model;
using SkiaSharp;

namespace ResNetService.Trainer.Data;

/// <summary>
/// Brings one image to the square network size, three channels, CHW bytes. Kept in this one place so that the
/// trainer resizes exactly as the service does (the service's preprocessing can replace the body).
/// </summary>
public static class ImageResizer
{
    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>Resizes HWC bytes (1 channel gray or 3 channels RGB) into <paramref name="chw"/> (3 x size x size).</summary>
    public static void Resize(
        ReadOnlySpan<byte> hwc, int width, int height, int channels, Span<byte> chw, int size, string resizeMode)
    {
        using var image = channels switch
        {
            1 => SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque), hwc, width),
            3 => SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), ToRgba(hwc), width * 4),
            _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "Images have 1 or 3 channels."),
        };
        Resize(image, chw, size, resizeMode);
    }

    /// <summary>Resizes a decoded image into <paramref name="chw"/> (3 x size x size).</summary>
    public static void Resize(SKImage image, Span<byte> chw, int size, string resizeMode)
    {
        var info = new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawImage(image, SourceRect(image.Width, image.Height, resizeMode), SKRect.Create(size, size), Sampling);
        }

        var rgba = bitmap.GetPixelSpan();
        var plane = size * size;
        for (var p = 0; p < plane; p++)
        {
            chw[p] = rgba[4 * p];
            chw[plane + p] = rgba[4 * p + 1];
            chw[2 * plane + p] = rgba[4 * p + 2];
        }
    }

    /// <summary>The part of the source that fills the square: all of it, or its centre square (shorter side scaled, then cropped).</summary>
    private static SKRect SourceRect(int width, int height, string resizeMode)
    {
        if (resizeMode == ResizeModes.Direct)
        {
            return SKRect.Create(width, height);
        }

        if (resizeMode != ResizeModes.ShorterSideThenCrop)
        {
            throw new ArgumentException($"Unknown resize mode '{resizeMode}'.", nameof(resizeMode));
        }

        var side = Math.Min(width, height);
        return SKRect.Create((width - side) / 2f, (height - side) / 2f, side, side);
    }

    private static byte[] ToRgba(ReadOnlySpan<byte> rgb)
    {
        var rgba = new byte[rgb.Length / 3 * 4];
        for (int source = 0, target = 0; source < rgb.Length; source += 3, target += 4)
        {
            rgba[target] = rgb[source];
            rgba[target + 1] = rgb[source + 1];
            rgba[target + 2] = rgb[source + 2];
            rgba[target + 3] = 255;
        }

        return rgba;
    }
}
