using SkiaSharp;

namespace ResNetService.Inference.Images;

/// <summary>Applies an EXIF orientation, so that the network sees the photo the way a viewer shows it.</summary>
public static class ImageOrientation
{
    /// <summary>Returns <paramref name="image"/> itself when nothing changes, else a new, upright bitmap.</summary>
    public static SKBitmap Apply(SKBitmap image, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft)
        {
            return image;
        }

        int w = image.Width, h = image.Height;
        var swapsSides = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
            or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var upright = new SKBitmap(new SKImageInfo(swapsSides ? h : w, swapsSides ? w : h, image.ColorType, image.AlphaType));
        using var canvas = new SKCanvas(upright);
        canvas.SetMatrix(ToUpright(origin, w, h));
        using var pixels = image.PeekPixels();
        using var stored = SKImage.FromPixels(pixels);
        canvas.DrawImage(stored, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        return upright;
    }

    /// <summary>Maps a stored pixel (x, y) of a <paramref name="width"/> x <paramref name="height"/> image to where a viewer shows it.</summary>
    public static SKMatrix ToUpright(SKEncodedOrigin origin, int width, int height) => origin switch
    {
        SKEncodedOrigin.TopRight => Matrix(-1, 0, width, 0, 1, 0),        // mirrored left-right
        SKEncodedOrigin.BottomRight => Matrix(-1, 0, width, 0, -1, height), // turned 180 degrees
        SKEncodedOrigin.BottomLeft => Matrix(1, 0, 0, 0, -1, height),      // mirrored top-bottom
        SKEncodedOrigin.LeftTop => Matrix(0, 1, 0, 1, 0, 0),               // transposed
        SKEncodedOrigin.RightTop => Matrix(0, -1, height, 1, 0, 0),        // needs 90 degrees clockwise
        SKEncodedOrigin.RightBottom => Matrix(0, -1, height, -1, 0, width), // transversed
        SKEncodedOrigin.LeftBottom => Matrix(0, 1, 0, -1, 0, width),       // needs 90 degrees anticlockwise
        _ => SKMatrix.Identity,
    };

    private static SKMatrix Matrix(float scaleX, float skewX, float transX, float skewY, float scaleY, float transY) =>
        new(scaleX, skewX, transX, skewY, scaleY, transY, 0, 0, 1);
}
