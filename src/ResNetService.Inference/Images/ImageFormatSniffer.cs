using System.Text;

namespace ResNetService.Inference.Images;

/// <summary>
/// Tells apart, by signature, files Skia could not open: a damaged JPEG/PNG/GIF/WebP/BMP is "corrupt", a TIFF or HEIC
/// photo is "unsupported format" (415), anything else is "not an image" (400). Skia's own result cannot tell
/// them apart: it reports IncompleteInput for random bytes too.
/// </summary>
public static class ImageFormatSniffer
{
    /// <summary>True when the bytes start like one of the accepted formats.</summary>
    public static bool LooksLikeAcceptedFormat(ReadOnlySpan<byte> data) =>
        data.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF })
        || data.StartsWith(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A })
        || data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8)
        || (data.StartsWith("RIFF"u8) && data.Length >= 12 && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        || (data.StartsWith("BM"u8) && data.Length >= 14);

    /// <summary>The name of a known but undecodable image format, or null when the bytes look like no image at all.</summary>
    public static string? UnsupportedFormatName(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8))
        {
            return "TIFF";
        }

        if (data.StartsWith("8BPS"u8))
        {
            return "PSD";
        }

        if (data.StartsWith("qoif"u8))
        {
            return "QOI";
        }

        if (data.StartsWith(new byte[] { 0x76, 0x2F, 0x31, 0x01 }))
        {
            return "OpenEXR";
        }

        if (data.StartsWith(new byte[] { 0xFF, 0x0A }) || data.StartsWith(new byte[] { 0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ' }))
        {
            return "JPEG XL";
        }

        if (data.StartsWith(new byte[] { 0, 0, 0, 0x0C, (byte)'j', (byte)'P', (byte)' ', (byte)' ' }) || data.StartsWith(new byte[] { 0xFF, 0x4F, 0xFF, 0x51 }))
        {
            return "JPEG 2000";
        }

        if (data.StartsWith(new byte[] { 0x00, 0x00, 0x01, 0x00 }))
        {
            return "ICO";
        }

        if (data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(data.Slice(8, 4));
            if (brand is "avif" or "avis")
            {
                return "AVIF";
            }

            if (brand is "heic" or "heix" or "hevc" or "hevx" or "heim" or "heis" or "mif1" or "msf1")
            {
                return "HEIF";
            }
        }
        var head = Encoding.ASCII.GetString(data[..Math.Min(data.Length, 256)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (head.StartsWith("<svg", StringComparison.OrdinalIgnoreCase)
            || (head.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) && head.Contains("<svg", StringComparison.OrdinalIgnoreCase)))
        {
            return "SVG";
        }

        return null;
    }
}
