using System.Buffers.Binary;

namespace ResNetService.Trainer.Tests.Support;

/// <summary>Element bytes as weights files store them: little-endian, one type at a time.</summary>
internal static class LittleEndian
{
    public static byte[] Float32(params float[] values) => Encode(values, 4, (span, v) => BinaryPrimitives.WriteSingleLittleEndian(span, v));

    public static byte[] Float16(params float[] values) => Encode(values, 2, (span, v) => BinaryPrimitives.WriteHalfLittleEndian(span, (Half)v));

    /// <summary>The upper half of each float32: exact for the values tests choose (at most 8 significant bits).</summary>
    public static byte[] BFloat16(params float[] values) =>
        Encode(values, 2, (span, v) => BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)));

    public static byte[] Float64(params double[] values) => Encode(values, 8, (span, v) => BinaryPrimitives.WriteDoubleLittleEndian(span, v));

    public static byte[] Int64(params long[] values) => Encode(values, 8, (span, v) => BinaryPrimitives.WriteInt64LittleEndian(span, v));

    public static byte[] Int32(params int[] values) => Encode(values, 4, (span, v) => BinaryPrimitives.WriteInt32LittleEndian(span, v));

    public static byte[] Int16(params short[] values) => Encode(values, 2, (span, v) => BinaryPrimitives.WriteInt16LittleEndian(span, v));

    private static byte[] Encode<T>(T[] values, int size, SpanAction<T> write)
    {
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            write(bytes.AsSpan(i * size, size), values[i]);
        }

        return bytes;
    }

    private delegate void SpanAction<in T>(Span<byte> span, T value);
}
