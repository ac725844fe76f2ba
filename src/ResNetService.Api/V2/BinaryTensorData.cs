using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ResNetService.Api.V2;

/// <summary>
/// The binary tensor data extension (as Triton does it): a JSON header of <c>Inference-Header-Content-Length</c>
/// bytes, then each binary tensor's raw bytes in order, little-endian, row-major, no padding. A BYTES element is a
/// 4-byte little-endian length and then its bytes.
/// </summary>
public static class BinaryTensorData
{
    public const string HeaderName = "Inference-Header-Content-Length";
    public const string ContentType = "application/octet-stream";

    /// <summary>FP32 values; <paramref name="bytes"/> holds exactly four bytes per destination value.</summary>
    public static void ReadFloats(ReadOnlySpan<byte> bytes, string input, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
        }
        else
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
            }
        }

        for (var i = 0; i < destination.Length; i++)
        {
            if (!float.IsFinite(destination[i]))
            {
                throw new V2Exception($"Value {i} of input '{input}' is not a finite FP32 number ({destination[i]}).");
            }
        }
    }

    /// <summary>BYTES elements, exactly <paramref name="count"/> of them filling <paramref name="bytes"/>; slices, not copies.</summary>
    public static ReadOnlyMemory<byte>[] ReadElements(ReadOnlyMemory<byte> bytes, string input, int count)
    {
        var elements = new ReadOnlyMemory<byte>[count];
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            if (bytes.Length - offset < 4)
            {
                throw new V2Exception($"The binary data of input '{input}' ends before element {i} of {count}.");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Span[offset..]);
            offset += 4;
            if (length > (uint)(bytes.Length - offset))
            {
                throw new V2Exception($"Element {i} of input '{input}' claims {length} bytes; only {bytes.Length - offset} follow.");
            }

            elements[i] = bytes.Slice(offset, (int)length);
            offset += (int)length;
        }

        if (offset != bytes.Length)
        {
            throw new V2Exception($"The binary data of input '{input}' has {bytes.Length - offset} bytes after its {count} elements.");
        }

        return elements;
    }

    public static void WriteFloats(IBufferWriter<byte> writer, ReadOnlySpan<float> values)
    {
        var span = writer.GetSpan(values.Length * 4)[..(values.Length * 4)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(span);
        }
        else
        {
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[(i * 4)..], values[i]);
            }
        }

        writer.Advance(span.Length);
    }

    public static void WriteElements(IBufferWriter<byte> writer, IReadOnlyList<byte[]> elements)
    {
        foreach (var element in elements)
        {
            var span = writer.GetSpan(4 + element.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)element.Length);
            element.CopyTo(span[4..]);
            writer.Advance(4 + element.Length);
        }
    }

    /// <summary>Bytes a BYTES tensor takes in binary form.</summary>
    public static int ElementsSize(IReadOnlyList<byte[]> elements) => elements.Sum(e => 4 + e.Length);
}
