using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using ResNetService.Onnx.Protos;

namespace ResNetService.Onnx.Graph;

/// <summary>Turns float arrays into <see cref="TensorProto"/>s and back.</summary>
public static class OnnxTensors
{
    /// <summary>A float32 tensor whose values travel as little-endian <c>raw_data</c>, the compact form readers prefer.</summary>
    public static TensorProto Float(string name, IReadOnlyList<long> shape, ReadOnlySpan<float> values)
    {
        var expected = ElementCount(shape);
        if (values.Length != expected)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has {values.Length} values, but its shape [{string.Join(", ", shape)}] holds {expected}.",
                nameof(values));
        }

        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = LittleEndianBytes(values) };
        tensor.Dims.AddRange(shape);
        return tensor;
    }

    /// <summary>The values of a float32 tensor, whether they were written as <c>raw_data</c> or <c>float_data</c>.</summary>
    public static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' is not float32 (data type {tensor.DataType}).", nameof(tensor));
        }

        if (!tensor.HasRawData)
        {
            return [.. tensor.FloatData];
        }

        var bytes = tensor.RawData.Span;
        var values = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }

        return values;
    }

    /// <summary>Number of elements a shape holds (1 for a scalar).</summary>
    public static long ElementCount(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (var size in shape)
        {
            if (size < 0)
            {
                throw new ArgumentException($"A tensor dimension cannot be negative: [{string.Join(", ", shape)}].", nameof(shape));
            }

            count = checked(count * size);
        }

        return count;
    }

    private static ByteString LittleEndianBytes(ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            return ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        }

        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return ByteString.CopyFrom(bytes);
    }
}
