using ResNetService.Onnx.ModelFile;
using SkiaSharp;

namespace ResNetService.Inference.Preprocessing;

/// <summary>
/// Turns a decoded image into normalised NCHW floats, written straight into the caller's span (a row of a batch).
/// Mirrors torchvision's Resize + CenterCrop (or a plain Resize) + ToTensor + Normalize.
/// </summary>
public static class ImagePreprocessor
{
    /// <summary>Resizes <paramref name="image"/> as the settings say and writes 3 x size x size floats into <paramref name="destination"/>.</summary>
    public static void WriteTensor(SKBitmap image, PreprocessingSettings settings, Span<float> destination)
    {
        if (destination.Length < settings.TensorLength)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; {settings.TensorLength} are needed.", nameof(destination));
        }

        using var square = Resize(image, settings);
        WriteNormalized(square, settings, destination);
    }

    /// <summary>The image as the network sees it before normalisation: an opaque RGBA square of <see cref="PreprocessingSettings.ImageSize"/>.</summary>
    public static SKBitmap Resize(SKBitmap image, PreprocessingSettings settings) => Resize(image, settings, settings.ImageSize);

    /// <summary>The same part of the image the network sees, drawn as a square of <paramref name="size"/> (to show it larger).</summary>
    public static SKBitmap Resize(SKBitmap image, PreprocessingSettings settings, int size)
    {
        var source = settings.ResizeMode == ResizeModes.Direct
            ? new SKRect(0, 0, image.Width, image.Height)
            : CentreCropRegion(image.Width, image.Height, settings.ResizeSize, settings.ImageSize);

        var square = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(square);
        using var pixels = image.PeekPixels();
        using var sourceImage = SKImage.FromPixels(pixels);
        canvas.Clear(SKColors.Black);
        canvas.DrawImage(sourceImage, source, new SKRect(0, 0, size, size), Sampling(source, size), null);
        return square;
    }

    /// <summary>
    /// The part of the original image that survives "scale the shorter side to <paramref name="resizeSize"/>, then cut
    /// the centre <paramref name="cropSize"/> square", in original pixels, so one resampling step does both.
    /// </summary>
    public static SKRect CentreCropRegion(int width, int height, int resizeSize, int cropSize)
    {
        // torchvision: the shorter side becomes resizeSize exactly and the longer side is truncated to an integer.
        var (resizedWidth, resizedHeight) = width <= height
            ? (resizeSize, (int)((long)resizeSize * height / width))
            : ((int)((long)resizeSize * width / height), resizeSize);
        var left = (int)Math.Round((resizedWidth - cropSize) / 2.0);
        var top = (int)Math.Round((resizedHeight - cropSize) / 2.0);
        var scaleX = (float)width / resizedWidth;
        var scaleY = (float)height / resizedHeight;
        return new SKRect(left * scaleX, top * scaleY, (left + cropSize) * scaleX, (top + cropSize) * scaleY);
    }

    /// <summary>
    /// Enlarging: Catmull-Rom keeps edges crisp and reproduces pixels exactly at scale 1. Shrinking by less than 2 (what
    /// a JPEG or WebP decoded at a reduced scale leaves): Mitchell's cubic, whose 4 taps span about as many source pixels
    /// as PIL's antialiased bilinear does there, at 2.4 ms instead of mipmaps' 5.6 ms for a 640x480 photo. Shrinking
    /// more: trilinear mipmaps average every source pixel (no aliasing).
    /// </summary>
    private static SKSamplingOptions Sampling(SKRect source, int size) =>
        source.Width <= size && source.Height <= size ? new SKSamplingOptions(SKCubicResampler.CatmullRom)
        : source.Width < 2 * size && source.Height < 2 * size ? new SKSamplingOptions(SKCubicResampler.Mitchell)
        : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);

    private static void WriteNormalized(SKBitmap square, PreprocessingSettings settings, Span<float> destination)
    {
        // (p / 255 - mean) / std == p * scale + offset, computed once per channel.
        Span<float> scale = stackalloc float[3];
        Span<float> offset = stackalloc float[3];
        for (var c = 0; c < 3; c++)
        {
            scale[c] = 1f / (255f * settings.Std[c]);
            offset[c] = -settings.Mean[c] / settings.Std[c];
        }

        var plane = settings.ImageSize * settings.ImageSize;
        var red = destination[..plane];
        var green = destination.Slice(plane, plane);
        var blue = destination.Slice(2 * plane, plane);
        ReadOnlySpan<byte> rgba = square.GetPixelSpan();
        var grayscale = settings.ColorMode == ColorModes.Grayscale;

        for (var i = 0; i < plane; i++)
        {
            int r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2];
            if (grayscale)
            {
                r = g = b = Luma(r, g, b);
            }

            red[i] = r * scale[0] + offset[0];
            green[i] = g * scale[1] + offset[1];
            blue[i] = b * scale[2] + offset[2];
        }
    }

    /// <summary>ITU-R 601 luma with rounding, as PIL's <c>convert("L")</c> computes it.</summary>
    public static int Luma(int red, int green, int blue) => (red * 299 + green * 587 + blue * 114 + 500) / 1000;
}
