using ResNetService.Onnx.Graph;
using ResNetService.Onnx.Protos;
using static ResNetService.Onnx.Graph.OnnxAttributes;

namespace ResNetService.Quantization;

/// <summary>
/// Rewrites a prepared fp32 ResNet graph (<see cref="FloatGraphPreparation"/>) into ONNX's QDQ form, the form ONNX
/// Runtime fuses into int8 kernels (QLinearConv, QLinearAdd, QGemm): each activation a layer writes is followed by
/// QuantizeLinear and DequantizeLinear (uint8, per-tensor scale and zero point from its calibrated range), and each
/// convolution and the classifier read their weights through DequantizeLinear (int8, symmetric; per output channel for
/// convolutions) and their biases as int32 at scale input x weight. A ReLU after a convolution or an addition is
/// folded into it: that output is quantized to the ReLU's range [0, max] with zero point 0, which clamps as the ReLU
/// did. Every graph output keeps its name and stays fp32: an output written by a quantized layer comes out of its
/// DequantizeLinear.
/// </summary>
public static class QdqRewriter
{
    /// <summary>DequantizeLinear's per-axis form, and int8 Q/DQ of this kind, arrived in opset 13.</summary>
    public const long MinimumOpset = 13;

    /// <summary>Layers whose outputs are quantized; ReLUs after Conv and Add are folded away first.</summary>
    private static readonly HashSet<string> QuantizedOutputs = ["Conv", "Add", "Relu", "MaxPool", "GlobalAveragePool", "AveragePool", "Flatten", "Reshape"];

    /// <summary>Layers that only move or pick values: their output reuses the input's parameters, which lets ONNX Runtime drop the pair.</summary>
    private static readonly HashSet<string> SameScale = ["MaxPool", "Flatten", "Reshape"];

    /// <summary>The tensors whose ranges calibration must measure: the graph's input and every output of a quantized layer.</summary>
    public static IReadOnlyList<string> CalibrationTensors(ModelProto prepared)
    {
        var graph = prepared.Graph;
        return [Input(graph), .. graph.Node.Where(n => QuantizedOutputs.Contains(n.OpType)).Select(n => n.Output[0])];
    }

    /// <summary>The QDQ model; <paramref name="ranges"/> must hold every tensor <see cref="CalibrationTensors"/> names.</summary>
    /// <param name="reduceRange">
    /// Weights in 7 bits (-63..63): on x86 cores without VNNI, ONNX Runtime's uint8 x int8 kernels add pairs of products
    /// in 16 bits, which full-range weights can overflow; with 7 bits they cannot.
    /// </param>
    public static ModelProto Rewrite(ModelProto prepared, IReadOnlyDictionary<string, TensorRange> ranges, bool reduceRange = false)
    {
        var levels = reduceRange ? 63 : 127;
        var opset = prepared.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 0;
        if (opset < MinimumOpset)
        {
            throw new NotSupportedException($"The model is at opset {opset}; int8 quantization in QDQ form needs opset {MinimumOpset} or later (re-export it at 13+).");
        }

        var model = prepared.Clone();
        var graph = model.Graph;
        FoldRelus(graph);

        var parameters = new Dictionary<string, QuantizationParameters>(StringComparer.Ordinal);
        QuantizationParameters Range(string tensor) => ranges.TryGetValue(tensor, out var range)
            ? QuantizationParameters.ForActivation(range)
            : throw new ArgumentException($"No calibrated range for '{tensor}'.", nameof(ranges));

        var nodes = new List<NodeProto>();
        var constants = new List<NodeProto>();
        var input = Input(graph);
        parameters[input] = Range(input);
        nodes.AddRange(QuantizePair(graph, input, input, parameters[input], input + "/dequantized"));
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == input)
                {
                    node.Input[i] = input + "/dequantized";
                }
            }
        }

        parameters[input + "/dequantized"] = parameters[input];
        foreach (var node in graph.Node)
        {
            switch (node.OpType)
            {
                case "Conv":
                    constants.AddRange(QuantizeConvWeights(graph, node, parameters[node.Input[0]].Scale, levels));
                    break;
                case "Gemm":
                    constants.AddRange(QuantizeGemmWeights(graph, node, parameters[node.Input[0]].Scale, levels));
                    break;
            }

            nodes.Add(node);
            if (!QuantizedOutputs.Contains(node.OpType))
            {
                continue;
            }

            var output = node.Output[0];
            var own = SameScale.Contains(node.OpType) && parameters.TryGetValue(node.Input[0], out var inherited) ? inherited : Range(output);
            parameters[output] = own;
            node.Output[0] = output + "/float";
            nodes.AddRange(QuantizePair(graph, output + "/float", output, own, output));
        }

        graph.Node.Clear();
        graph.Node.AddRange(constants);
        graph.Node.AddRange(nodes);
        RemoveUnused(graph);
        return model;
    }

    /// <summary>Drops the fp32 weights the int8 ones replaced, so the file holds each weight once.</summary>
    private static void RemoveUnused(GraphProto graph)
    {
        var read = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var unused in graph.Initializer.Where(t => !read.Contains(t.Name)).ToList())
        {
            graph.Initializer.Remove(unused);
        }
    }

    /// <summary>The first graph input that is not a weight: the image batch.</summary>
    private static string Input(GraphProto graph)
    {
        var weights = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return graph.Input.First(i => !weights.Contains(i.Name)).Name;
    }

    /// <summary>Removes each ReLU whose input only it reads from a Conv or Add; that producer now writes the ReLU's output.</summary>
    private static void FoldRelus(GraphProto graph)
    {
        var index = new GraphIndex(graph);
        foreach (var relu in graph.Node.Where(n => n.OpType == "Relu").ToList())
        {
            if (index.Producers.TryGetValue(relu.Input[0], out var producer) && producer.OpType is "Conv" or "Add"
                && index.HasSoleReader(relu.Input[0], relu))
            {
                producer.Output[0] = relu.Output[0];
                graph.Node.Remove(relu);
            }
        }
    }

    /// <summary>
    /// QuantizeLinear then DequantizeLinear: <paramref name="source"/> to 8 bits (<c>name/quantized</c>, with
    /// <c>name/scale</c> and <c>name/zero_point</c>) and back as <paramref name="result"/>.
    /// </summary>
    private static NodeProto[] QuantizePair(GraphProto graph, string source, string name, QuantizationParameters p, string result)
    {
        var scale = name + "/scale";
        var zeroPoint = name + "/zero_point";
        graph.Initializer.Add(QuantizedTensors.Float(scale, [], [p.Scale]));
        graph.Initializer.Add(QuantizedTensors.UInt8(zeroPoint, [], [(byte)p.ZeroPoint]));
        var quantized = name + "/quantized";
        return
        [
            Node("QuantizeLinear", quantized + "/q", [source, scale, zeroPoint], quantized),
            Node("DequantizeLinear", quantized + "/dq", [quantized, scale, zeroPoint], result),
        ];
    }

    /// <summary>Int8 weights per output channel and an int32 bias for one convolution; returns their DequantizeLinear nodes.</summary>
    private static IEnumerable<NodeProto> QuantizeConvWeights(GraphProto graph, NodeProto conv, float inputScale, int levels)
    {
        var weight = Initializer(graph, conv.Input[1]);
        var values = OnnxTensors.ReadFloats(weight);
        var channels = (int)weight.Dims[0];
        var perChannel = values.Length / channels;
        var scales = new float[channels];
        var quantized = new sbyte[values.Length];
        for (var c = 0; c < channels; c++)
        {
            var slice = values.AsSpan(c * perChannel, perChannel);
            var p = QuantizationParameters.ForWeight(MaxAbs(slice), levels);
            scales[c] = p.Scale;
            for (var i = 0; i < perChannel; i++)
            {
                quantized[c * perChannel + i] = (sbyte)Math.Clamp(MathF.Round(slice[i] / p.Scale), -levels, levels);
            }
        }

        var name = conv.Name + ".weight";
        yield return Dequantize(graph, name, QuantizedTensors.Int8(name + "/quantized", weight.Dims, quantized), scales,
            QuantizedTensors.Int8(name + "/zero_point", [channels], new sbyte[channels]), axis: 0);
        conv.Input[1] = name + "/dequantized";
        if (conv.Input.Count > 2)
        {
            yield return QuantizeBias(graph, conv, [.. scales.Select(s => s * inputScale)], axis: 0);
        }
    }

    /// <summary>The classifier's weight as per-tensor int8 (ONNX Runtime's QGemm takes one scale) and its bias as int32.</summary>
    private static IEnumerable<NodeProto> QuantizeGemmWeights(GraphProto graph, NodeProto gemm, float inputScale, int levels)
    {
        var weight = Initializer(graph, gemm.Input[1]);
        var values = OnnxTensors.ReadFloats(weight);
        var p = QuantizationParameters.ForWeight(MaxAbs(values), levels);
        var quantized = values.Select(v => (sbyte)Math.Clamp(MathF.Round(v / p.Scale), -levels, levels)).ToArray();
        var name = gemm.Name + ".weight";
        yield return Dequantize(graph, name, QuantizedTensors.Int8(name + "/quantized", weight.Dims, quantized), [p.Scale],
            QuantizedTensors.Int8(name + "/zero_point", [], [0]), axis: null);
        gemm.Input[1] = name + "/dequantized";
        if (gemm.Input.Count > 2)
        {
            yield return QuantizeBias(graph, gemm, [p.Scale * inputScale], axis: null);
        }
    }

    private static NodeProto QuantizeBias(GraphProto graph, NodeProto node, float[] scales, int? axis)
    {
        var bias = OnnxTensors.ReadFloats(Initializer(graph, node.Input[2]));
        var quantized = bias.Select((b, c) => (int)Math.Clamp(Math.Round(b / (double)scales[axis is null ? 0 : c]), int.MinValue, int.MaxValue)).ToArray();
        var name = node.Name + ".bias";
        var zeroPointDims = axis is null ? Array.Empty<long>() : [bias.Length];
        var dequantize = Dequantize(graph, name, QuantizedTensors.Int32(name + "/quantized", [bias.Length], quantized), scales,
            QuantizedTensors.Int32(name + "/zero_point", zeroPointDims, new int[axis is null ? 1 : bias.Length]), axis);
        node.Input[2] = name + "/dequantized";
        return dequantize;
    }

    private static NodeProto Dequantize(GraphProto graph, string name, TensorProto quantized, float[] scales, TensorProto zeroPoint, int? axis)
    {
        var scale = QuantizedTensors.Float(name + "/scale", axis is null ? [] : [scales.Length], scales);
        graph.Initializer.Add(quantized);
        graph.Initializer.Add(scale);
        graph.Initializer.Add(zeroPoint);
        var node = Node("DequantizeLinear", name + "/dq", [quantized.Name, scale.Name, zeroPoint.Name], name + "/dequantized");
        if (axis is { } a)
        {
            node.Attribute.Add(Int("axis", a));
        }

        return node;
    }

    private static TensorProto Initializer(GraphProto graph, string name) =>
        graph.Initializer.FirstOrDefault(t => t.Name == name)
        ?? throw new NotSupportedException($"'{name}' is not a weight of the graph: only constant weights can be quantized.");

    private static float MaxAbs(ReadOnlySpan<float> values)
    {
        var max = 0f;
        foreach (var v in values)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        return max;
    }

    private static NodeProto Node(string opType, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }
}
