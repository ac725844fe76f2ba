using System.Text;

namespace ResNetService.Inference.Images;

/// <summary>
/// Recognises image formats SkiaSharp cannot open here by their signature, so that a TIFF or a HEIC photo is
/// reported as "unsupported format" (415) rather than "not an image" (400).
/// </summary>
public static class ImageFormatSniffer
{
    /// <summary>The name of a known but undecodable image format, or null when the bytes look like no image at all.</summary>
    public static string? UnsupportedFormatName(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8)) return "TIFF";
        if (data.StartsWith("8BPS"u8)) return "PSD";
        if (data.StartsWith("qoif"u8)) return "QOI";
        if (data.StartsWith(new byte[] { 0x76, 0x2F, 0x31, 0x01 })) return "OpenEXR";
        if (data.StartsWith(new byte[] { 0xFF, 0x0A }) || data.StartsWith(new byte[] { 0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ' })) return "JPEG XL";
        if (data.StartsWith(new byte[] { 0, 0, 0, 0x0C, (byte)'j', (byte)'P', (byte)' ', (byte)' ' }) || data.StartsWith(new byte[] { 0xFF, 0x4F, 0xFF, 0x51 })) return "JPEG 2000";
        if (data.StartsWith(new byte[] { 0x00, 0x00, 0x01, 0x00 })) return "ICO";
        if (data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(data.Slice(8, 4));
            if (brand is "avif" or "avis") return "AVIF";
            if (brand is "heic" or "heix" or "hevc" or "hevx" or "heim" or "heis" or "mif1" or "msf1") return "HEIF";
        }
        var head = Encoding.ASCII.GetString(data[..Math.Min(data.Length, 256)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (head.StartsWith("<svg", StringComparison.OrdinalIgnoreCase)
            || (head.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) && head.Contains("<svg", StringComparison.OrdinalIgnoreCase)))
            return "SVG";
        return null;
    }
}
