using ResNetService.Inference.Images;
using SkiaSharp;

namespace ResNetService.Inference.Tests;

public class ImageOrientationTests
{
    /// <summary>What a viewer shows for each EXIF orientation, written as operations on a grid of pixels.</summary>
    private static SKColor[,] Expected(SKColor[,] stored, SKEncodedOrigin origin)
    {
        int h = stored.GetLength(0), w = stored.GetLength(1);
        var swaps = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var result = new SKColor[swaps ? w : h, swaps ? h : w];
        for (var y = 0; y < result.GetLength(0); y++)
        {
            for (var x = 0; x < result.GetLength(1); x++)
            {
                result[y, x] = origin switch
                {
                    SKEncodedOrigin.TopLeft => stored[y, x],
                    SKEncodedOrigin.TopRight => stored[y, w - 1 - x],          // mirror
                    SKEncodedOrigin.BottomRight => stored[h - 1 - y, w - 1 - x], // 180
                    SKEncodedOrigin.BottomLeft => stored[h - 1 - y, x],        // flip
                    SKEncodedOrigin.LeftTop => stored[x, y],                   // transpose
                    SKEncodedOrigin.RightTop => stored[h - 1 - x, y],          // 90 clockwise
                    SKEncodedOrigin.RightBottom => stored[h - 1 - x, w - 1 - y], // transverse
                    SKEncodedOrigin.LeftBottom => stored[x, w - 1 - y],        // 90 anticlockwise
                    _ => throw new ArgumentOutOfRangeException(nameof(origin)),
                };
            }
        }

        return result;
    }

    [Theory]
    [InlineData(SKEncodedOrigin.TopLeft)]
    [InlineData(SKEncodedOrigin.TopRight)]
    [InlineData(SKEncodedOrigin.BottomRight)]
    [InlineData(SKEncodedOrigin.BottomLeft)]
    [InlineData(SKEncodedOrigin.LeftTop)]
    [InlineData(SKEncodedOrigin.RightTop)]
    [InlineData(SKEncodedOrigin.RightBottom)]
    [InlineData(SKEncodedOrigin.LeftBottom)]
    public void Every_orientation_moves_each_pixel_where_a_viewer_shows_it(SKEncodedOrigin origin)
    {
        const int width = 3, height = 2;
        var grid = new SKColor[height, width];
        using var stored = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                stored.SetPixel(x, y, grid[y, x] = new SKColor((byte)(40 * x), (byte)(100 * y), 7));
            }
        }

        var upright = ImageOrientation.Apply(stored, origin);
        var expected = Expected(grid, origin);

        Assert.Equal((expected.GetLength(1), expected.GetLength(0)), (upright.Width, upright.Height));
        for (var y = 0; y < upright.Height; y++)
        {
            for (var x = 0; x < upright.Width; x++)
            {
                Assert.Equal(expected[y, x], upright.GetPixel(x, y));
            }
        }

        if (!ReferenceEquals(upright, stored))
        {
            upright.Dispose();
        }
    }
}
