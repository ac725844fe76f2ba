using SkiaSharp;

namespace ResNetService.Benchmarks.Memory;

/// <summary>
/// A large PNG that does not compress away: a gradient with a random bit on the green channel of every pixel, so that
/// the file is about a third of a byte per pixel (13.2 MB at 40 MP, like a photo) while the decoder still has to
/// produce every pixel.
/// </summary>
public static class NoisePng
{
    public static byte[] Create(int width, int height, int seed = 1)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        var noise = new byte[width * 4];
        for (var y = 0; y < height; y++)
        {
            random.NextBytes(noise);
            var row = pixels.Slice(y * width * 4, width * 4);
            for (var x = 0; x < width; x++)
            {
                var level = (x + y) / 64;
                row[4 * x] = (byte)level;
                row[4 * x + 1] = (byte)(2 * level + (noise[4 * x + 1] & 1));
                row[4 * x + 2] = (byte)(255 - level);
                row[4 * x + 3] = 255;
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
