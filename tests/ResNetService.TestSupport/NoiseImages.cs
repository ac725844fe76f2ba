using System.Runtime.InteropServices;
using SkiaSharp;

namespace ResNetService.TestSupport;

/// <summary>Images of random pixels: they barely compress, so their size is known in advance (about 3 x width x height bytes).</summary>
public static class NoiseImages
{
    public static byte[] Png(int size, int seed = 0)
    {
        var random = new Random(seed);
        var pixels = new byte[size * size * 4];
        random.NextBytes(pixels);
        for (var alpha = 3; alpha < pixels.Length; alpha += 4)
        {
            pixels[alpha] = 255;
        }

        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
