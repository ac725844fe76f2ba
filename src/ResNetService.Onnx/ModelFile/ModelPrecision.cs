using ResNetService.Onnx.Protos;

namespace ResNetService.Onnx.ModelFile;

/// <summary>
/// The number format a model computes in, told by its graph rather than by its metadata, so that a model quantized by
/// another tool is recognised too.
/// </summary>
public static class ModelPrecision
{
    public const string Fp32 = "fp32";
    public const string Fp16 = "fp16";
    public const string Int8 = "int8";

    /// <summary>Operators that only quantized graphs have: QDQ pairs, and the integer kernels of pre-fused graphs.</summary>
    public static readonly IReadOnlySet<string> QuantizedOperators = new HashSet<string>(StringComparer.Ordinal)
    {
        "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "QLinearConv", "QLinearMatMul", "QLinearAdd", "QGemm",
        "ConvInteger", "MatMulInteger",
    };

    /// <summary>The graph's quantized operators, in name order; empty for a float model.</summary>
    public static IReadOnlyList<string> QuantizedOperatorsIn(GraphProto graph) =>
        graph.Node.Select(n => n.OpType).Where(QuantizedOperators.Contains).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary><see cref="Int8"/> when the graph has quantized operators, <see cref="Fp16"/> when its weights are half floats, else <see cref="Fp32"/>.</summary>
    public static string Of(GraphProto graph) =>
        QuantizedOperatorsIn(graph).Count > 0 ? Int8
        : graph.Initializer.Any(t => t.DataType == (int)TensorProto.Types.DataType.Float16) ? Fp16
        : Fp32;
}
