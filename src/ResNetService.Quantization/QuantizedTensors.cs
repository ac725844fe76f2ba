using Google.Protobuf;
using ResNetService.Onnx.Graph;
using ResNetService.Onnx.Protos;
using DataType = ResNetService.Onnx.Protos.TensorProto.Types.DataType;

namespace ResNetService.Quantization;

/// <summary>The integer initializers a QDQ graph needs: int8 weights, int32 biases, uint8 and int8 zero points, float scales.</summary>
internal static class QuantizedTensors
{
    public static TensorProto Int8(string name, IReadOnlyList<long> dims, sbyte[] values) =>
        Raw(name, dims, DataType.Int8, [.. values.Select(v => (byte)v)]);

    public static TensorProto UInt8(string name, IReadOnlyList<long> dims, byte[] values) => Raw(name, dims, DataType.Uint8, values);

    public static TensorProto Int32(string name, IReadOnlyList<long> dims, int[] values)
    {
        var bytes = new byte[values.Length * sizeof(int)];
        for (var i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * sizeof(int)), values[i]);
        }

        return Raw(name, dims, DataType.Int32, bytes);
    }

    public static TensorProto Float(string name, IReadOnlyList<long> dims, float[] values) => OnnxTensors.Float(name, dims, values);

    private static TensorProto Raw(string name, IReadOnlyList<long> dims, DataType type, byte[] bytes)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
