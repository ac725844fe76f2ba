using System.Runtime.InteropServices;
using ResNetService.Onnx.ModelFile;
using SkiaSharp;

namespace ResNetService.Inference.Images;

/// <summary>
/// Decodes an uploaded file into an upright, opaque RGBA bitmap, refusing what it should not decode: the pixel
/// count is checked from the header first, and large JPEG/WebP files are decoded at a reduced scale when the
/// preprocessing would shrink them anyway.
/// </summary>
public static class ImageDecoder
{
    /// <summary>The formats the service accepts. Others that Skia can read (ICO, WBMP, DNG...) are "unsupported".</summary>
    public static IReadOnlySet<SKEncodedImageFormat> AcceptedFormats { get; } = new HashSet<SKEncodedImageFormat>
    {
        SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Png, SKEncodedImageFormat.Webp,
        SKEncodedImageFormat.Gif, SKEncodedImageFormat.Bmp,
    };

    /// <summary>
    /// Decodes <paramref name="encoded"/> (the first frame of an animation). When <paramref name="target"/> is given,
    /// the image may be decoded smaller, but never below what that preprocessing needs.
    /// </summary>
    /// <exception cref="ImageRejectedException">The bytes are not an accepted image, or break a limit.</exception>
    public static SKBitmap Decode(ReadOnlySpan<byte> encoded, ImageLimits limits, PreprocessingSettings? target = null)
    {
        CheckLength(encoded, limits);
        using var data = SKData.CreateCopy(encoded);
        using var stream = new SKMemoryStream(data);
        using var codec = Open(stream, encoded, limits);
        var stored = DecodePixels(codec, DecodeSize(codec, target));
        var upright = ImageOrientation.Apply(stored, codec.EncodedOrigin);
        if (!ReferenceEquals(upright, stored))
        {
            stored.Dispose();
        }

        return upright;
    }

    /// <summary>
    /// Reads only the header of <paramref name="encoded"/> (in place, without copying the file) and says what
    /// <see cref="Decode"/> will decode, so that memory can be set aside before any pixel is. Refuses what
    /// <see cref="Decode"/> would refuse from the header alone.
    /// </summary>
    /// <exception cref="ImageRejectedException">The bytes are not an accepted image, or break a limit.</exception>
    public static DecodePlan Plan(ReadOnlyMemory<byte> encoded, ImageLimits limits, PreprocessingSettings? target = null)
    {
        CheckLength(encoded.Span, limits);
        var bytes = MemoryMarshal.TryGetArray(encoded, out var segment) ? segment : new ArraySegment<byte>(encoded.ToArray());
        var pinned = GCHandle.Alloc(bytes.Array, GCHandleType.Pinned);
        try
        {
            using var data = SKData.Create(Marshal.UnsafeAddrOfPinnedArrayElement(bytes.Array!, bytes.Offset), bytes.Count);
            using var stream = new SKMemoryStream(data);
            using var codec = Open(stream, encoded.Span, limits);
            var size = DecodeSize(codec, target);
            return new DecodePlan(codec.Info.Width, codec.Info.Height, size.Width, size.Height,
                Turns: codec.EncodedOrigin != SKEncodedOrigin.TopLeft, EncodedBytes: encoded.Length);
        }
        finally
        {
            pinned.Free();
        }
    }

    private static void CheckLength(ReadOnlySpan<byte> encoded, ImageLimits limits)
    {
        if (encoded.Length > limits.MaxBytes)
        {
            throw new ImageRejectedException(ImageProblem.TooManyBytes,
                $"The image is {encoded.Length} bytes; at most {limits.MaxBytes} are accepted.");
        }

        if (encoded.IsEmpty)
        {
            throw new ImageRejectedException(ImageProblem.NotAnImage, "The file is empty.");
        }
    }

    /// <summary>A codec for an accepted format within the pixel limit, from the header alone.</summary>
    private static SKCodec Open(SKStream stream, ReadOnlySpan<byte> encoded, ImageLimits limits)
    {
        var codec = SKCodec.Create(stream) ?? throw NotOpened(encoded);
        if (!AcceptedFormats.Contains(codec.EncodedFormat))
        {
            var format = codec.EncodedFormat;
            codec.Dispose();
            throw new ImageRejectedException(ImageProblem.UnsupportedFormat,
                $"{format} images are not accepted; send JPEG, PNG, WebP, GIF or BMP.");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if ((long)width * height > limits.MaxPixels)
        {
            codec.Dispose();
            throw new ImageRejectedException(ImageProblem.TooManyPixels,
                $"The image is {width}x{height} = {(long)width * height} pixels; at most {limits.MaxPixels} are accepted.");
        }

        return codec;
    }

    private static ImageRejectedException NotOpened(ReadOnlySpan<byte> encoded)
    {
        if (ImageFormatSniffer.UnsupportedFormatName(encoded) is { } format)
        {
            return new ImageRejectedException(ImageProblem.UnsupportedFormat,
                $"{format} images are not supported; send JPEG, PNG, WebP, GIF or BMP.");
        }

        return ImageFormatSniffer.LooksLikeAcceptedFormat(encoded)
            ? new ImageRejectedException(ImageProblem.Corrupt, "The image is truncated or damaged.")
            : new ImageRejectedException(ImageProblem.NotAnImage, "The file is not an image.");
    }

    /// <summary>JPEG decodes straight to n/8 of its size (libjpeg-turbo scales its inverse DCT); other formats ignore it.</summary>
    private static readonly float[] DecodeScales = [1 / 8f, 2 / 8f, 3 / 8f, 4 / 8f, 5 / 8f, 6 / 8f, 7 / 8f];

    /// <summary>The smallest size the codec can decode to directly that keeps every pixel the resize needs.</summary>
    /// <remarks>All eighths, not only 1/8, 1/4 and 1/2: a 640x480 photo for a 256 shorter side decodes at 5/8
    /// (400x300) instead of in full, which makes both the decoding and the resize after it cheaper.</remarks>
    private static SKSizeI DecodeSize(SKCodec codec, PreprocessingSettings? target)
    {
        var full = codec.Info.Size;
        if (target is null)
        {
            return full;
        }

        foreach (var scale in DecodeScales)
        {
            var scaled = codec.GetScaledDimensions(scale);
            if (scaled.Width < full.Width && target.IsLargeEnough(scaled.Width, scaled.Height))
            {
                return scaled;
            }
        }
        return full;
    }

    private static SKBitmap DecodePixels(SKCodec codec, SKSizeI size)
    {
        // Decode unpremultiplied and then drop alpha, like PIL's convert("RGB"): transparent pixels keep their colour.
        var decodeInfo = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(decodeInfo.WithAlphaType(SKAlphaType.Opaque));
        var result = codec.GetPixels(decodeInfo, bitmap.GetPixels());
        if (result == SKCodecResult.InvalidScale && size != codec.Info.Size)
        {
            bitmap.Dispose();
            return DecodePixels(codec, codec.Info.Size);
        }
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw result switch
            {
                SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput =>
                    new ImageRejectedException(ImageProblem.Corrupt, "The image is truncated or damaged."),
                _ => new ImageRejectedException(ImageProblem.UnsupportedFormat,
                    $"This {codec.EncodedFormat} image cannot be decoded ({result})."),
            };
        }
        if (codec.Info.AlphaType != SKAlphaType.Opaque)
        {
            MakeOpaque(bitmap);
        }

        return bitmap;
    }

    private static void MakeOpaque(SKBitmap bitmap)
    {
        var rgba = bitmap.GetPixelSpan();
        for (var i = 3; i < rgba.Length; i += 4)
        {
            rgba[i] = 255;
        }
    }
}
