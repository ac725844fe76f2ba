using System.Buffers.Binary;
using SkiaSharp;

namespace ResNetService.Inference.Tests;

/// <summary>Small images drawn with SkiaSharp, and hand-written files in formats Skia cannot encode.</summary>
internal static class TestImages
{
    public static readonly SKColor Red = new(255, 0, 0);
    public static readonly SKColor Blue = new(0, 0, 255);

    /// <summary>Left half <paramref name="left"/>, right half <paramref name="right"/>.</summary>
    public static SKBitmap TwoColours(int width, int height, SKColor left, SKColor right)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, x < width / 2 ? left : right);
            }
        }

        return bitmap;
    }

    public static SKBitmap Solid(int width, int height, SKColor colour) => TwoColours(width, height, colour, colour);

    /// <summary>Random noise: distinct images give distinct network outputs.</summary>
    public static SKBitmap Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        random.NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4)
        {
            pixels[i] = 255;
        }

        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 100)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality) ?? throw new InvalidOperationException($"Skia cannot encode {format}.");
        return data.ToArray();
    }

    public static byte[] Png(SKBitmap bitmap) => Encode(bitmap, SKEncodedImageFormat.Png);

    /// <summary>A JPEG whose EXIF orientation tag says how to turn it upright (1..8).</summary>
    public static byte[] JpegWithOrientation(SKBitmap bitmap, ushort orientation)
    {
        var jpeg = Encode(bitmap, SKEncodedImageFormat.Jpeg);
        // APP1 "Exif": a big-endian TIFF header and one IFD holding tag 0x0112 (Orientation, SHORT, 1 value).
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,
            0, 1,
            0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0,
            0, 0, 0, 0,
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return jpeg[..2].Concat(segment).Concat(jpeg[2..]).ToArray();
    }

    /// <summary>A 24-bit uncompressed BMP (bottom-up rows padded to 4 bytes).</summary>
    public static byte[] Bmp(SKBitmap bitmap)
    {
        int width = bitmap.Width, height = bitmap.Height, stride = (width * 3 + 3) / 4 * 4;
        var file = new byte[54 + stride * height];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var colour = bitmap.GetPixel(x, y);
                var at = 54 + (height - 1 - y) * stride + 3 * x;
                (file[at], file[at + 1], file[at + 2]) = (colour.Blue, colour.Green, colour.Red);
            }
        }

        return file;
    }

    /// <summary>
    /// A GIF with one frame per bitmap, each using colours from <paramref name="palette"/> (at most four).
    /// LZW is kept trivial: a clear code before every two pixels keeps all codes 3 bits wide.
    /// </summary>
    public static byte[] Gif(SKColor[] palette, params SKBitmap[] frames)
    {
        var file = new List<byte>();
        int width = frames[0].Width, height = frames[0].Height;
        file.AddRange("GIF89a"u8.ToArray());
        file.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0b1000_0001, 0, 0]);
        for (var i = 0; i < 4; i++)
        {
            var colour = i < palette.Length ? palette[i] : SKColors.Black;
            file.AddRange([colour.Red, colour.Green, colour.Blue]);
        }
        foreach (var frame in frames)
        {
            file.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0]);
            file.Add(2); // LZW minimum code size: clear = 4, end = 5, codes start 3 bits wide
            var indices = new List<int>();
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    indices.Add(Array.IndexOf(palette, frame.GetPixel(x, y)));
                }
            }

            var codes = new List<int>();
            for (var i = 0; i < indices.Count; i += 2)
            {
                codes.Add(4);
                codes.AddRange(indices.Skip(i).Take(2));
            }
            codes.Add(5);
            var packed = new List<byte>();
            int buffer = 0, bits = 0;
            foreach (var code in codes)
            {
                buffer |= code << bits;
                bits += 3;
                while (bits >= 8)
                {
                    packed.Add((byte)buffer);
                    buffer >>= 8;
                    bits -= 8;
                }
            }
            if (bits > 0)
            {
                packed.Add((byte)buffer);
            }

            foreach (var block in packed.Chunk(255))
            {
                file.Add((byte)block.Length);
                file.AddRange(block);
            }
            file.Add(0);
        }
        file.Add(0x3B);
        return file.ToArray();
    }

    /// <summary>An ICO file wrapping a PNG: a real image format that Skia reads but the service does not accept.</summary>
    public static byte[] IcoWithPng(byte[] png)
    {
        var header = new byte[6 + 16];
        header[2] = 1; // type: icon
        header[4] = 1; // one image
        header[6] = 16;
        header[7] = 16;
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(10), 1);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(12), 32);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(14), png.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(18), header.Length);
        return header.Concat(png).ToArray();
    }

    /// <summary>A PNG whose header claims <paramref name="width"/> x <paramref name="height"/> (with a valid CRC) but whose data is tiny.</summary>
    public static byte[] PngClaimingSize(int width, int height)
    {
        using var small = Solid(4, 4, Red);
        var png = Png(small);
        // IHDR chunk data begins at byte 16 (8 signature + 4 length + 4 type); its CRC follows the 13 data bytes.
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), System.IO.Hashing.Crc32.HashToUInt32(png.AsSpan(12, 17)));
        return png;
    }
}
