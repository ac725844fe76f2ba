using System.Buffers.Binary;

namespace ResNetService.Trainer.Weights;

/// <summary>Tells a weights file's format from its first bytes, since extensions (.pt, .pth, .bin, .ckpt) say little.</summary>
public static class WeightFormats
{
    /// <summary>What a zip archive, and so torch.save's format since PyTorch 1.6, starts with.</summary>
    internal static ReadOnlySpan<byte> ZipMagic => "PK\u0003\u0004"u8;

    /// <summary>
    /// What torch.save wrote before PyTorch 1.6: pickle protocol 2 (0x80 0x02), then the pickled magic number
    /// 0x1950a86a20f9469cfc6c as a 10-byte LONG1 (0x8a 0x0a, little-endian).
    /// </summary>
    internal static ReadOnlySpan<byte> LegacyTorchMagic => [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    /// <summary>
    /// PyTorch for a zip archive or the legacy torch pickle (its reader explains what to do with that one), Safetensors
    /// for an 8-byte header length followed by a JSON object within the file, else Onnx (whose reader judges the rest).
    /// </summary>
    /// <exception cref="InvalidDataException">The file cannot be read; the message starts with its path.</exception>
    public static WeightFormat Detect(string path)
    {
        Span<byte> start = stackalloc byte[LegacyTorchMagic.Length];
        long fileLength;
        try
        {
            using var file = File.OpenRead(path);
            start = start[..file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false)];
            fileLength = file.Length;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path} cannot be read: {error.Message}", error);
        }

        if (start.StartsWith(ZipMagic) || start.StartsWith(LegacyTorchMagic))
        {
            return WeightFormat.PyTorch;
        }

        return LooksLikeSafetensors(start, fileLength) ? WeightFormat.Safetensors : WeightFormat.Onnx;
    }

    private static bool LooksLikeSafetensors(ReadOnlySpan<byte> start, long fileLength) =>
        start.Length >= 9
        && BinaryPrimitives.ReadUInt64LittleEndian(start) is var headerLength
        && headerLength >= 2 && headerLength <= (ulong)(fileLength - 8)
        && start[8] == (byte)'{';
}
