using SkiaSharp;

namespace ResNetService.Inference.Explanations;

/// <summary>Draws a class activation map as a heatmap over the image the network saw, and encodes it as PNG.</summary>
public static class HeatmapOverlay
{
    /// <summary>How much of the heatmap shows over the image (0: none, 1: only the heatmap).</summary>
    public const float DefaultOpacity = 0.5f;

    /// <summary>
    /// The "sub" filter and zlib level 3: a 224-pixel overlay encodes in 3.1 ms instead of Skia's default 12.6 ms
    /// (all filters, level 6), 35 KB against 35 KB, measured on this project's 2-core VM. Those milliseconds are taken
    /// from the cores the model runs on.
    /// </summary>
    private static readonly SKPngEncoderOptions FastPng = new(SKPngEncoderFilterFlags.Sub, zLibLevel: 3);

    /// <param name="view">The image as the network saw it (any size: the map is stretched over it smoothly).</param>
    public static byte[] ToPng(SKBitmap view, ClassActivationMap map, float opacity = DefaultOpacity)
    {
        using var overlay = Draw(view, map, opacity);
        using var pixels = overlay.PeekPixels();
        using var png = pixels.Encode(FastPng) ?? throw new InvalidOperationException("Skia could not encode the overlay as PNG.");
        return png.ToArray();
    }

    public static SKBitmap Draw(SKBitmap view, ClassActivationMap map, float opacity = DefaultOpacity)
    {
        // The map in colour at its own (coarse) resolution, then scaled up with bilinear filtering onto the view.
        using var heat = new SKBitmap(new SKImageInfo(map.Width, map.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var levels = map.Normalized();
        for (var i = 0; i < levels.Length; i++)
        {
            heat.SetPixel(i % map.Width, i / map.Width, Colour(levels[i]));
        }

        var result = new SKBitmap(new SKImageInfo(view.Width, view.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(result);
        using (var viewImage = SKImage.FromBitmap(view))
        {
            canvas.DrawImage(viewImage, 0, 0, SKSamplingOptions.Default);
        }

        using var paint = new SKPaint { Color = SKColors.White.WithAlpha((byte)Math.Round(255 * Math.Clamp(opacity, 0, 1))) };
        using var heatImage = SKImage.FromBitmap(heat);
        canvas.DrawImage(heatImage, new SKRect(0, 0, map.Width, map.Height), new SKRect(0, 0, view.Width, view.Height),
            new SKSamplingOptions(SKFilterMode.Linear), paint);
        return result;
    }

    /// <summary>A blue (low) to red (high) scale through cyan, green and yellow, as heatmaps are usually drawn.</summary>
    public static SKColor Colour(float level)
    {
        var t = Math.Clamp(level, 0f, 1f) * 4f;
        var (r, g, b) = t switch
        {
            < 1f => (0f, t, 1f),
            < 2f => (0f, 1f, 2f - t),
            < 3f => (t - 2f, 1f, 0f),
            _ => (1f, 4f - t, 0f),
        };
        return new SKColor((byte)Math.Round(255 * r), (byte)Math.Round(255 * g), (byte)Math.Round(255 * b));
    }
}
