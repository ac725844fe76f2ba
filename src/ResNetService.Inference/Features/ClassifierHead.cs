using System.Runtime.InteropServices;
using ResNetService.Onnx.Protos;

namespace ResNetService.Inference.Features;

/// <summary>
/// The end of a ResNet-like graph: a last feature map, global average pooling (the embedding), then one fully
/// connected layer giving the class scores (optionally followed by softmax). Found by walking back from the scores
/// output, so it works for our exports and for foreign ones (torchvision, the ONNX Model Zoo) alike, and for int8 QDQ
/// graphs, whose values pass through QuantizeLinear/DequantizeLinear pairs and whose weights are dequantized constants.
/// </summary>
/// <param name="FeatureMap">The value pooled: the last feature map, [batch, channels, height, width].</param>
/// <param name="Embedding">The fully connected layer's input: the pooled features, [batch, channels].</param>
/// <param name="Weights">The classifier's weights as [classes, channels], row by row (alpha already applied).</param>
/// <param name="Bias">One per class, or null when the layer has none.</param>
public sealed record ClassifierHead(string FeatureMap, string Embedding, int Classes, int Channels, float[] Weights, float[]? Bias)
{
    /// <summary>The classifier's weights for one class: what a class activation map weighs the channels by.</summary>
    public ReadOnlySpan<float> WeightsOf(int classIndex) => Weights.AsSpan(classIndex * Channels, Channels);

    /// <summary>Finds the head that ends in <paramref name="scoresOutput"/>, or says why there is none.</summary>
    public static ClassifierHead? Find(GraphProto graph, string scoresOutput, out string? whyNot)
    {
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                producers[output] = node;
            }
        }

        var constants = new Constants(graph.Initializer.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal), producers);
        var dense = SkipWhile(producers, scoresOutput, "Softmax", "LogSoftmax", "Identity", "QuantizeLinear", "DequantizeLinear");
        var linear = dense is null ? null : Linear(dense, producers, constants);
        if (linear is not { } layer)
        {
            whyNot = $"its output '{scoresOutput}' does not come from one fully connected layer (Gemm, or MatMul and Add, with constant weights)";
            return null;
        }

        var pool = SkipWhile(producers, layer.Input, "Flatten", "Reshape", "Squeeze", "Identity", "QuantizeLinear", "DequantizeLinear");
        if (pool is null || !IsGlobalAveragePool(pool, constants.Initializers))
        {
            whyNot = $"the fully connected layer's input '{layer.Input}' is not a global average pool of a feature map";
            return null;
        }

        whyNot = null;
        return new ClassifierHead(pool.Input[0], layer.Input, layer.Classes, layer.Channels, layer.Weights, layer.Bias);
    }

    /// <summary>The node that makes <paramref name="value"/>, looking through nodes of the given kinds.</summary>
    private static NodeProto? SkipWhile(Dictionary<string, NodeProto> producers, string value, params string[] passThrough)
    {
        while (producers.TryGetValue(value, out var node))
        {
            if (!passThrough.Contains(node.OpType) || node.Input.Count == 0)
            {
                return node;
            }

            value = node.Input[0];
        }

        return null;
    }

    private readonly record struct LinearLayer(string Input, int Classes, int Channels, float[] Weights, float[]? Bias);

    private static LinearLayer? Linear(NodeProto node, Dictionary<string, NodeProto> producers, Constants constants)
    {
        if (node.OpType == "Gemm" && node.Input.Count >= 2 && Matrix(constants, node.Input[1]) is { } matrix
            && Attribute(node, "transA") == 0)
        {
            var transposed = Attribute(node, "transB") == 1; // torchvision's Linear: B is [classes, channels]
            var alpha = FloatAttribute(node, "alpha") ?? 1f;
            var beta = FloatAttribute(node, "beta") ?? 1f;
            var weights = ClassesByChannels(matrix, transposed, alpha);
            var bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? Vector(constants, node.Input[2], weights.Classes, beta) : null;
            return node.Input.Count > 2 && node.Input[2].Length > 0 && bias is null
                ? null
                : new LinearLayer(node.Input[0], weights.Classes, weights.Channels, weights.Values, bias);
        }

        // MatMul(x, W[channels, classes]), optionally then Add(bias), as some converters write a dense layer.
        var matMul = node;
        string? biasName = null;
        if (node.OpType == "Add" && node.Input.Count == 2)
        {
            var product = node.Input.FirstOrDefault(input => Producer(producers, input) is { OpType: "MatMul" });
            if (product is null)
            {
                return null;
            }

            matMul = producers[product];
            biasName = node.Input[0] == product ? node.Input[1] : node.Input[0];
        }

        if (matMul.OpType != "MatMul" || matMul.Input.Count != 2 || Matrix(constants, matMul.Input[1]) is not { } w)
        {
            return null;
        }

        var dense = ClassesByChannels(w, transposed: false, alpha: 1f);
        float[]? addBias = null;
        if (biasName is not null && (addBias = Vector(constants, biasName, dense.Classes, 1f)) is null)
        {
            return null;
        }

        return new LinearLayer(matMul.Input[0], dense.Classes, dense.Channels, dense.Values, addBias);
    }

    private static NodeProto? Producer(Dictionary<string, NodeProto> producers, string value) =>
        producers.TryGetValue(value, out var node) ? node : null;

    /// <summary>GlobalAveragePool, or ReduceMean over exactly the two spatial axes (as an attribute, or an input from opset 18).</summary>
    private static bool IsGlobalAveragePool(NodeProto node, Dictionary<string, TensorProto> initializers)
    {
        if (node.OpType == "GlobalAveragePool")
        {
            return true;
        }

        if (node.OpType != "ReduceMean")
        {
            return false;
        }

        var axes = node.Attribute.FirstOrDefault(a => a.Name == "axes")?.Ints.ToArray()
            ?? (node.Input.Count > 1 && initializers.TryGetValue(node.Input[1], out var tensor) ? Int64s(tensor) : null);
        return axes is { Length: 2 } && axes.Order().SequenceEqual([2L, 3L]);
    }

    private static (int Classes, int Channels, float[] Values) ClassesByChannels((int Rows, int Columns, float[] Values) matrix, bool transposed, float alpha)
    {
        var (rows, columns, values) = matrix;
        if (transposed && alpha == 1f)
        {
            return (rows, columns, values);
        }

        var (classes, channels) = transposed ? (rows, columns) : (columns, rows);
        var result = new float[classes * channels];
        for (var c = 0; c < classes; c++)
        {
            for (var k = 0; k < channels; k++)
            {
                result[c * channels + k] = alpha * (transposed ? values[c * columns + k] : values[k * columns + c]);
            }
        }

        return (classes, channels, result);
    }

    private static (int Rows, int Columns, float[] Values)? Matrix(Constants constants, string name) =>
        constants.Floats(name) is ({ Count: 2 } dims, var values) ? ((int)dims[0], (int)dims[1], values) : null;

    private static float[]? Vector(Constants constants, string name, int length, float scale)
    {
        if (constants.Floats(name) is not (_, var values) || values.Length != length)
        {
            return null;
        }

        return scale == 1f ? values : [.. values.Select(v => v * scale)];
    }

    private static long Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? 0;

    private static float? FloatAttribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.F;

    /// <summary>
    /// Constant float tensors by name: initializers, and the results of a DequantizeLinear of initializers (an int8
    /// model's weights and int32 biases), computed here as (q - zero point) x scale, per tensor or per axis.
    /// </summary>
    private sealed record Constants(Dictionary<string, TensorProto> Initializers, Dictionary<string, NodeProto> Producers)
    {
        public (IReadOnlyList<long> Dims, float[] Values)? Floats(string name)
        {
            if (Initializers.TryGetValue(name, out var tensor))
            {
                return FloatValues(tensor) is { } values ? (tensor.Dims, values) : null;
            }

            if (!Producers.TryGetValue(name, out var node) || node.OpType != "DequantizeLinear" || node.Input.Count < 2
                || !Initializers.TryGetValue(node.Input[0], out var quantized) || Integers(quantized) is not { } q
                || !Initializers.TryGetValue(node.Input[1], out var scaleTensor) || FloatValues(scaleTensor) is not { Length: > 0 } scales)
            {
                return null;
            }

            var zeroPoints = node.Input.Count > 2 && node.Input[2].Length > 0
                ? Initializers.TryGetValue(node.Input[2], out var zp) ? Integers(zp) : null
                : new long[scales.Length];
            if (zeroPoints is null || zeroPoints.Length != scales.Length)
            {
                return null;
            }

            // Per axis: element i belongs to channel (i / inner) % channels along the axis (1 unless the node says).
            var dims = quantized.Dims;
            var axis = node.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 1;
            axis = axis < 0 ? axis + dims.Count : axis;
            var perAxis = scales.Length > 1;
            if (perAxis && (axis < 0 || axis >= dims.Count || dims[(int)axis] != scales.Length))
            {
                return null;
            }

            var inner = perAxis ? dims.Skip((int)axis + 1).Aggregate(1L, (a, b) => a * b) : 1;
            var result = new float[q.Length];
            for (var i = 0; i < q.Length; i++)
            {
                var channel = perAxis ? (int)(i / inner % scales.Length) : 0;
                result[i] = (q[i] - zeroPoints[channel]) * scales[channel];
            }

            return (dims, result);
        }

        private static long[]? Integers(TensorProto tensor)
        {
            if (!tensor.HasRawData || !BitConverter.IsLittleEndian)
            {
                return tensor.DataType == (int)TensorProto.Types.DataType.Int32 ? [.. tensor.Int32Data.Select(v => (long)v)] : null;
            }

            var raw = tensor.RawData.Span;
            return (TensorProto.Types.DataType)tensor.DataType switch
            {
                TensorProto.Types.DataType.Int8 => [.. MemoryMarshal.Cast<byte, sbyte>(raw).ToArray().Select(v => (long)v)],
                TensorProto.Types.DataType.Uint8 => [.. raw.ToArray().Select(v => (long)v)],
                TensorProto.Types.DataType.Int32 => [.. MemoryMarshal.Cast<byte, int>(raw).ToArray().Select(v => (long)v)],
                _ => null,
            };
        }
    }
    /// <summary>A float tensor's values from raw_data (little-endian) or float_data; null for other types or external data.</summary>
    private static float[]? FloatValues(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float || tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            return null;
        }

        if (tensor.HasRawData)
        {
            return BitConverter.IsLittleEndian ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : null;
        }

        return [.. tensor.FloatData];
    }

    private static long[]? Int64s(TensorProto tensor) =>
        tensor.DataType != (int)TensorProto.Types.DataType.Int64 ? null
        : tensor.HasRawData ? MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray()
        : [.. tensor.Int64Data];

}
