using ResNetService.Onnx.Graph;
using ResNetService.Onnx.Protos;

namespace ResNetService.Quantization;

/// <summary>
/// Brings an fp32 ResNet graph to the form quantization works on, without changing what it computes: weights reached
/// through <c>Identity</c> nodes (torch's export puts them before shared initializers) are read directly, and every
/// batch norm that follows a convolution is folded into that convolution's weights and bias, so that a convolution's
/// output is what the next layer reads (an int8 convolution cannot have a batch norm between it and its quantized output).
/// </summary>
public static class FloatGraphPreparation
{
    /// <summary>A copy of <paramref name="model"/> prepared; the model itself is not changed.</summary>
    public static ModelProto Prepare(ModelProto model)
    {
        var prepared = model.Clone();
        ResolveWeightIdentities(prepared.Graph);
        FoldBatchNorms(prepared.Graph);
        return prepared;
    }

    private static void ResolveWeightIdentities(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var renames = graph.Node
            .Where(n => n.OpType == "Identity" && n.Input.Count == 1 && initializers.Contains(n.Input[0]) && !graphOutputs.Contains(n.Output[0]))
            .ToDictionary(n => n.Output[0], n => n.Input[0], StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Identity" && renames.ContainsKey(n.Output[0])).ToList())
        {
            graph.Node.Remove(node);
        }

        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (renames.TryGetValue(node.Input[i], out var weight))
                {
                    node.Input[i] = weight;
                }
            }
        }
    }

    private static void FoldBatchNorms(GraphProto graph)
    {
        var index = new GraphIndex(graph);
        foreach (var norm in graph.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            if (!index.Producers.TryGetValue(norm.Input[0], out var conv) || conv.OpType != "Conv" || !index.HasSoleReader(conv.Output[0], norm)
                || !norm.Input.Skip(1).All(index.Initializers.ContainsKey) || !index.Initializers.ContainsKey(conv.Input[1]))
            {
                continue; // Not a convolution's own batch norm with known statistics: left as it is.
            }

            Fold(graph, index, conv, norm);
            conv.Output[0] = norm.Output[0];
            graph.Node.Remove(norm);
        }

        var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var orphan in graph.Initializer.Where(t => !used.Contains(t.Name)).ToList())
        {
            graph.Initializer.Remove(orphan);
        }
    }

    /// <summary>w' = w * gamma / sqrt(var + eps) per output channel; b' = (b - mean) * gamma / sqrt(var + eps) + beta.</summary>
    private static void Fold(GraphProto graph, GraphIndex index, NodeProto conv, NodeProto norm)
    {
        var epsilon = norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
        var (gamma, beta, mean, variance) = (Floats(index, norm.Input[1]), Floats(index, norm.Input[2]), Floats(index, norm.Input[3]), Floats(index, norm.Input[4]));
        var weightProto = index.Initializers[conv.Input[1]];
        var weight = OnnxTensors.ReadFloats(weightProto);
        var channels = gamma.Length;
        var perChannel = weight.Length / channels;
        var bias = conv.Input.Count > 2 ? Floats(index, conv.Input[2]) : new float[channels];

        var foldedWeight = new float[weight.Length];
        var foldedBias = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            var factor = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
            for (var i = 0; i < perChannel; i++)
            {
                foldedWeight[c * perChannel + i] = weight[c * perChannel + i] * factor;
            }

            foldedBias[c] = (bias[c] - mean[c]) * factor + beta[c];
        }

        // New names: a weight may be shared, and the unfolded one must stay for its other readers.
        var weightName = AddInitializer(graph, OnnxTensors.Float(conv.Name + ".folded.weight", weightProto.Dims, foldedWeight));
        var biasName = AddInitializer(graph, OnnxTensors.Float(conv.Name + ".folded.bias", [channels], foldedBias));
        conv.Input[1] = weightName;
        if (conv.Input.Count > 2)
        {
            conv.Input[2] = biasName;
        }
        else
        {
            conv.Input.Add(biasName);
        }
    }

    private static float[] Floats(GraphIndex index, string name) => OnnxTensors.ReadFloats(index.Initializers[name]);

    private static string AddInitializer(GraphProto graph, TensorProto tensor)
    {
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }
}
