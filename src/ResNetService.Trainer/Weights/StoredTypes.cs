using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ResNetService.Trainer.Weights;

/// <summary>Sizes, names and the little-endian decoding of <see cref="StoredType"/> elements.</summary>
internal static class StoredTypes
{
    /// <summary>The name <see cref="WeightTensor.StoredAs"/> reports, as PyTorch spells the dtype.</summary>
    public static string Name(this StoredType type) => type switch
    {
        StoredType.Float32 => "float32",
        StoredType.Float16 => "float16",
        StoredType.BFloat16 => "bfloat16",
        StoredType.Float64 => "float64",
        StoredType.Int64 => "int64",
        StoredType.Int32 => "int32",
        StoredType.Int16 => "int16",
        StoredType.Int8 => "int8",
        StoredType.UInt8 => "uint8",
        StoredType.Bool => "bool",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static int Size(this StoredType type) => type switch
    {
        StoredType.Float64 or StoredType.Int64 => 8,
        StoredType.Float32 or StoredType.Int32 => 4,
        StoredType.Float16 or StoredType.BFloat16 or StoredType.Int16 => 2,
        _ => 1,
    };

    /// <summary>Element <paramref name="index"/> of <paramref name="bytes"/>; float16 and bfloat16 widen exactly.</summary>
    public static float Read(this StoredType type, ReadOnlySpan<byte> bytes, int index)
    {
        var at = bytes[(index * type.Size())..];
        return type switch
        {
            StoredType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(at),
            StoredType.Float16 => (float)BinaryPrimitives.ReadHalfLittleEndian(at),
            // A bfloat16 is the upper half of a float32's bits.
            StoredType.BFloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(at) << 16),
            StoredType.Float64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(at),
            StoredType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(at),
            StoredType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(at),
            StoredType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(at),
            StoredType.Int8 => (sbyte)at[0],
            StoredType.UInt8 => at[0],
            StoredType.Bool => at[0] == 0 ? 0f : 1f,
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
    }

    /// <summary>Widens every element of contiguous <paramref name="bytes"/> into <paramref name="destination"/>.</summary>
    public static void Widen(this StoredType type, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        if (type == StoredType.Float32 && BitConverter.IsLittleEndian)
        {
            // The common case needs no conversion: a plain copy is many times faster than element by element.
            MemoryMarshal.Cast<byte, float>(bytes[..(destination.Length * 4)]).CopyTo(destination);
            return;
        }

        switch (type)
        {
            // The other common types get their own loops, which run several times faster than Read's switch per element.
            case StoredType.Float16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(2 * i, 2));
                }

                break;
            case StoredType.BFloat16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(2 * i, 2)) << 16);
                }

                break;
            default:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = type.Read(bytes, i);
                }

                break;
        }
    }
}
