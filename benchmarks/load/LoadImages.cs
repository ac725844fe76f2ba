using System.Runtime.InteropServices;
using SkiaSharp;

namespace ResNetService.Benchmarks.Load;

public static class ImageMediaType
{
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
}

/// <summary>The request bodies, drawn and encoded once before any phase starts.</summary>
public static class LoadImages
{
    /// <summary><paramref name="count"/> different square JPEGs: a gradient and a few discs each.</summary>
    public static byte[][] Jpegs(int count, int size, int seed) =>
        [.. Enumerable.Range(0, count).Select(index => Jpeg(new Random(seed * 1_000 + index), size))];

    /// <summary>
    /// A PNG of about <paramref name="megapixels"/> million pixels (8:5) of random colours in 4x4 blocks: the blocks
    /// keep the file near 10 MB at 40 MP, inside the service's default size limits, while its decoded size is what
    /// the pixel count says (PNG cannot be decoded at a reduced scale).
    /// </summary>
    public static byte[] NoisePng(int megapixels, int seed, out int width, out int height)
    {
        const int block = 4;
        var pixels = megapixels * 1_000_000L;
        height = (int)Math.Sqrt(pixels * 5 / 8.0);
        width = (int)(pixels / height);
        var random = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var row = new int[width];
        for (var y = 0; y < height; y++)
        {
            if (y % block == 0)
            {
                for (var x = 0; x < width; x += block)
                {
                    row.AsSpan(x, Math.Min(block, width - x)).Fill(random.Next() | unchecked((int)0xFF000000));
                }
            }

            Marshal.Copy(row, 0, bitmap.GetPixels() + y * bitmap.RowBytes, width);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary><paramref name="count"/> different grayscale noise PNGs of <paramref name="size"/> pixels square, as Fashion-MNIST's.</summary>
    public static byte[][] SmallPngs(int count, int size, int seed) => [.. Enumerable.Range(0, count).Select(index =>
    {
        var random = new Random(seed * 1_000 + index);
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Gray8, SKAlphaType.Opaque));
        random.NextBytes(bitmap.GetPixelSpan());
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    })];

    private static byte[] Jpeg(Random random, int size)
    {
        SKColor Colour() => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

        using var surface = SKSurface.Create(new SKImageInfo(size, size));
        var canvas = surface.Canvas;
        using var gradient = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(size, size), [Colour(), Colour()], SKShaderTileMode.Clamp),
        };
        canvas.DrawRect(0, 0, size, size, gradient);
        using var disc = new SKPaint { IsAntialias = true };
        for (var i = 0; i < 6; i++)
        {
            disc.Color = Colour().WithAlpha(180);
            canvas.DrawCircle(random.Next(size), random.Next(size), size / 16 + random.Next(size / 4), disc);
        }

        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
