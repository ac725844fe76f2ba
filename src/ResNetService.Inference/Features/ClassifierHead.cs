using System.Runtime.InteropServices;
using ResNetService.Onnx.Protos;

namespace ResNetService.Inference.Features;

/// <summary>
/// The end of a ResNet-like graph: a last feature map, global average pooling (the embedding), then one fully
/// connected layer giving the class scores (optionally followed by softmax). Found by walking back from the scores
/// output, so it works for our exports and for foreign ones (torchvision, the ONNX Model Zoo) alike.
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

        var initializers = graph.Initializer.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
        var dense = SkipWhile(producers, scoresOutput, "Softmax", "LogSoftmax", "Identity");
        var linear = dense is null ? null : Linear(dense, producers, initializers);
        if (linear is not { } layer)
        {
            whyNot = $"its output '{scoresOutput}' does not come from one fully connected layer (Gemm, or MatMul and Add, with constant weights)";
            return null;
        }

        var pool = SkipWhile(producers, layer.Input, "Flatten", "Reshape", "Squeeze", "Identity");
        if (pool is null || !IsGlobalAveragePool(pool, initializers))
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

    private static LinearLayer? Linear(NodeProto node, Dictionary<string, NodeProto> producers, Dictionary<string, TensorProto> initializers)
    {
        if (node.OpType == "Gemm" && node.Input.Count >= 2 && Matrix(initializers, node.Input[1]) is { } matrix
            && Attribute(node, "transA") == 0)
        {
            var transposed = Attribute(node, "transB") == 1; // torchvision's Linear: B is [classes, channels]
            var alpha = FloatAttribute(node, "alpha") ?? 1f;
            var beta = FloatAttribute(node, "beta") ?? 1f;
            var weights = ClassesByChannels(matrix, transposed, alpha);
            var bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? Vector(initializers, node.Input[2], weights.Classes, beta) : null;
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

        if (matMul.OpType != "MatMul" || matMul.Input.Count != 2 || Matrix(initializers, matMul.Input[1]) is not { } w)
        {
            return null;
        }

        var dense = ClassesByChannels(w, transposed: false, alpha: 1f);
        float[]? addBias = null;
        if (biasName is not null && (addBias = Vector(initializers, biasName, dense.Classes, 1f)) is null)
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

    private static (int Rows, int Columns, float[] Values)? Matrix(Dictionary<string, TensorProto> initializers, string name) =>
        initializers.TryGetValue(name, out var tensor) && tensor.Dims.Count == 2 && Floats(tensor) is { } values
            ? ((int)tensor.Dims[0], (int)tensor.Dims[1], values)
            : null;

    private static float[]? Vector(Dictionary<string, TensorProto> initializers, string name, int length, float scale)
    {
        if (!initializers.TryGetValue(name, out var tensor) || Floats(tensor) is not { } values || values.Length != length)
        {
            return null;
        }

        return scale == 1f ? values : [.. values.Select(v => v * scale)];
    }

    /// <summary>A float tensor's values from raw_data (little-endian) or float_data; null for other types or external data.</summary>
    private static float[]? Floats(TensorProto tensor)
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

    private static long Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? 0;

    private static float? FloatAttribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.F;
}
