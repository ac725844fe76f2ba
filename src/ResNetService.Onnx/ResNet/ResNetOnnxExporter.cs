using ResNetService.Onnx.Graph;
using ResNetService.Onnx.Protos;
using ResNetService.Topology;
using static ResNetService.Onnx.Graph.OnnxAttributes;

namespace ResNetService.Onnx.ResNet;

/// <summary>
/// Builds the ONNX graph of a ResNet from torchvision-named weights by walking its <see cref="ResNetTopology"/>
/// description: one node per layer, named like the layer ("layer1.0.conv1"), in the order of the forward pass.
/// Batch norms stay separate nodes (ONNX Runtime folds them itself), so the file maps one to one onto the state_dict.
/// </summary>
public static class ResNetOnnxExporter
{
    public const string InputName = "input";
    public const string OutputName = "logits";

    /// <summary>The names of the <see cref="ExtraOutputs"/>, when the file declares them.</summary>
    public const string EmbeddingName = "embedding";
    public const string FeatureMapName = "feature_map";

    /// <summary>Symbolic names of the input's dynamic axes.</summary>
    public const string BatchDimension = "batch";
    public const string HeightDimension = "height";
    public const string WidthDimension = "width";
    public const string FeatureMapHeightDimension = "feature_map_height";
    public const string FeatureMapWidthDimension = "feature_map_width";

    public const string ProducerName = "ResNetService";

    /// <summary>
    /// The model for <paramref name="config"/>. Input <c>input</c> is float32 [batch, InputChannels, H, W] with a
    /// symbolic batch; H and W are fixed to <paramref name="imageSize"/> when it is given, else symbolic
    /// ("height", "width": the network is fully convolutional up to the global pool). Output <c>logits</c> is
    /// float32 [batch, classes], the first output; <paramref name="extraOutputs"/> adds <c>embedding</c> and
    /// <c>feature_map</c> after it (the tensors the graph computes anyway, under those names; no node is added), with
    /// the feature map's height and width fixed when the input's are. Throws <see cref="ArgumentException"/> naming a
    /// missing or mis-shaped weight.
    /// </summary>
    public static ModelProto Build(
        ResNetConfig config,
        IReadOnlyDictionary<string, NamedTensor> weights,
        IReadOnlyDictionary<string, string> metadata,
        string producerVersion,
        int? imageSize = null,
        ExtraOutputs extraOutputs = ExtraOutputs.None)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(producerVersion);
        var network = ResNetTopology.Describe(config);
        ResNetWeights.Validate(network, weights);
        if (imageSize is < ResNetArchitecture.MinimumImageSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(imageSize), imageSize, $"The network needs images of at least {ResNetArchitecture.MinimumImageSize} pixels.");
        }

        var graph = new GraphWriter(new OnnxGraphBuilder(config.Architecture.Name), weights);
        Dimension height = imageSize is { } size ? size : HeightDimension;
        Dimension width = imageSize is { } side ? side : WidthDimension;
        var x = graph.Builder.AddInput(InputName, [BatchDimension, config.InputChannels, height, width]);

        var embedding = extraOutputs.HasFlag(ExtraOutputs.Embedding);
        var featureMap = extraOutputs.HasFlag(ExtraOutputs.FeatureMap);
        x = graph.Layers(x, "", network.Stem);
        foreach (var block in network.Blocks)
        {
            x = graph.Block(x, block, featureMap && ReferenceEquals(block, network.Blocks[^1]) ? FeatureMapName : null);
        }

        var headTap = FeatureTaps.HeadTap(network);
        x = graph.Layers(x, "", [.. network.Head.Take(headTap)], lastOutput: embedding ? EmbeddingName : null);
        x = graph.Layers(x, "", [.. network.Head.Skip(headTap)], lastOutput: OutputName);
        graph.Builder.AddOutput(OutputName, [BatchDimension, config.NumClasses]);
        if (embedding)
        {
            graph.Builder.AddOutput(EmbeddingName, [BatchDimension, ((Linear)network.Head[headTap]).InFeatures]);
        }

        if (featureMap)
        {
            var mapSide = imageSize is { } fixedSize ? FeatureTaps.Shapes(network, fixedSize)[^1].Side : (int?)null;
            Dimension mapHeight = mapSide is { } h ? h : FeatureMapHeightDimension;
            Dimension mapWidth = mapSide is { } w ? w : FeatureMapWidthDimension;
            graph.Builder.AddOutput(FeatureMapName, [BatchDimension, network.Blocks[^1].Plan.OutChannels, mapHeight, mapWidth]);
        }

        return graph.Builder.Build(ProducerName, producerVersion, metadata, config.Title);
    }

    /// <summary>The builder plus the weights: turns layers into nodes.</summary>
    private sealed class GraphWriter(OnnxGraphBuilder builder, IReadOnlyDictionary<string, NamedTensor> weights)
    {
        public OnnxGraphBuilder Builder { get; } = builder;

        /// <summary>main path, then the shortcut (projection or identity), added, then the activation (named <paramref name="output"/> if given).</summary>
        public string Block(string input, ResidualBlock block, string? output = null)
        {
            var prefix = $"{block.Name}.";
            var mainPath = Layers(input, prefix, block.MainPath);
            var shortcut = block.Downsample is { } downsample
                ? Layers(input, $"{prefix}{ResidualBlock.DownsampleName}.", downsample)
                : input;
            var sum = Builder.AddNode("Add", $"{block.Name}.add", [mainPath, shortcut], $"{block.Name}.add.out");
            return Layer(sum, prefix, block.Activation, output);
        }

        /// <summary>Layers in sequence; each node is named prefix + layer name, its output that name + ".out".</summary>
        public string Layers(string input, string prefix, IReadOnlyList<Layer> layers, string? lastOutput = null)
        {
            var x = input;
            for (var i = 0; i < layers.Count; i++)
            {
                x = Layer(x, prefix, layers[i], i == layers.Count - 1 ? lastOutput : null);
            }

            return x;
        }

        private string Layer(string input, string prefix, Layer layer, string? output)
        {
            var name = prefix + layer.Name;
            output ??= $"{name}.out";
            return layer switch
            {
                Conv conv => Builder.AddNode("Conv", name,
                    conv.Bias ? [input, Weight($"{name}.weight"), Weight($"{name}.bias")] : [input, Weight($"{name}.weight")], output,
                    Ints("kernel_shape", conv.Kernel, conv.Kernel), Ints("strides", conv.Stride, conv.Stride),
                    Ints("pads", conv.Padding, conv.Padding, conv.Padding, conv.Padding), Ints("dilations", 1, 1), Int("group", 1)),
                BatchNorm norm => Builder.AddNode("BatchNormalization", name,
                    [input, Weight($"{name}.weight"), Weight($"{name}.bias"), Weight($"{name}.running_mean"), Weight($"{name}.running_var")],
                    output, Float("epsilon", (float)norm.Epsilon)),
                Relu => Builder.AddNode("Relu", name, [input], output),
                MaxPool pool => Builder.AddNode("MaxPool", name, [input], output,
                    Ints("kernel_shape", pool.Kernel, pool.Kernel), Ints("strides", pool.Stride, pool.Stride),
                    Ints("pads", pool.Padding, pool.Padding, pool.Padding, pool.Padding)),
                GlobalAveragePool => Builder.AddNode("GlobalAveragePool", name, [input], output),
                Flatten => Builder.AddNode("Flatten", name, [input], output, Int("axis", 1)),
                Linear => Builder.AddNode("Gemm", name, [input, Weight($"{name}.weight"), Weight($"{name}.bias")], output,
                    Float("alpha", 1f), Float("beta", 1f), Int("transB", 1)),
                _ => throw new NotSupportedException($"No ONNX node for layer '{name}' ({layer.GetType().Name})."),
            };
        }

        /// <summary>The initializer for a state_dict tensor, added where the node that reads it is.</summary>
        private string Weight(string name)
        {
            var tensor = weights[name];
            return Builder.AddInitializer(name, tensor.Shape, tensor.Data);
        }
    }
}
