using System.Buffers.Binary;
using SkiaSharp;

namespace ResNetService.Api.Tests.Support;

/// <summary>Small images drawn with SkiaSharp, and broken files made from them.</summary>
public static class TestImages
{
    /// <summary>A picture that differs with <paramref name="seed"/>: a background colour, a disc and a bar.</summary>
    public static byte[] Draw(int seed, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int width = 48, int height = 40)
    {
        var random = new Random(seed);
        SKColor RandomColor() => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(RandomColor());
        using var paint = new SKPaint { Color = RandomColor(), IsAntialias = true };
        canvas.DrawCircle(random.Next(width), random.Next(height), 4 + random.Next(Math.Min(width, height) / 2), paint);
        paint.Color = RandomColor();
        canvas.DrawRect(random.Next(width / 2), random.Next(height / 2), 4 + random.Next(width / 2), 4 + random.Next(height / 2), paint);

        using var image = surface.Snapshot();
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    public static byte[] Png(int seed) => Draw(seed, SKEncodedImageFormat.Png);

    public static byte[] Jpeg(int seed) => Draw(seed, SKEncodedImageFormat.Jpeg);

    public static byte[] Webp(int seed) => Draw(seed, SKEncodedImageFormat.Webp);

    /// <summary>Bytes that are no image format at all.</summary>
    public static byte[] Garbage(int length = 512)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        bytes[0] = (byte)'x'; // Make sure no magic number matches by chance.
        return bytes;
    }

    /// <summary>The first part of a real file: the header is intact, the pixel data stops early.</summary>
    public static byte[] Truncated(byte[] image) => image[..(image.Length / 2)];

    /// <summary>
    /// A PNG whose header announces <paramref name="width"/> x <paramref name="height"/> pixels but carries no pixel data:
    /// only the header may be read, never the pixels.
    /// </summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        return [.. signature, .. Chunk("IHDR", header), .. Chunk("IDAT", [0x78, 0x9C, 0x03, 0x00]), .. Chunk("IEND", [])];
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), System.IO.Hashing.Crc32.HashToUInt32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }
}
