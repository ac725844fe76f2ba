using ResNetService.Onnx.Graph;
using ResNetService.Onnx.Protos;
using static ResNetService.Onnx.Graph.OnnxAttributes;

namespace ResNetService.Onnx.ResNet;

/// <summary>
/// Builds the ONNX graph of a ResNet from torchvision-named weights. The graph is inference-mode torchvision:
/// Conv 7x7/2 → BatchNormalization → Relu → MaxPool 3x3/2 → residual blocks → GlobalAveragePool → Flatten →
/// Gemm. Batch norms stay separate nodes (ONNX Runtime folds them itself), so the file maps one to one onto
/// the state_dict.
/// </summary>
public static class ResNetOnnxExporter
{
    public const string InputName = "input";
    public const string OutputName = "logits";

    /// <summary>Symbolic names of the input's dynamic axes.</summary>
    public const string BatchDimension = "batch";
    public const string HeightDimension = "height";
    public const string WidthDimension = "width";

    public const string ProducerName = "ResNetService";

    /// <summary>torchvision's BatchNorm2d default.</summary>
    public const float BatchNormEpsilon = 1e-5f;

    /// <summary>
    /// The model for <paramref name="config"/>. Input <c>input</c> is float32 [batch, InputChannels, H, W] with a
    /// symbolic batch; H and W are fixed to <paramref name="imageSize"/> when it is given, else symbolic
    /// ("height", "width": the network is fully convolutional up to the global pool). Output <c>logits</c> is
    /// float32 [batch, classes]. Throws <see cref="ArgumentException"/> naming a missing or mis-shaped weight.
    /// </summary>
    public static ModelProto Build(
        ResNetConfig config,
        IReadOnlyDictionary<string, NamedTensor> weights,
        IReadOnlyDictionary<string, string> metadata,
        string producerVersion,
        int? imageSize = null)
    {
        ResNetWeights.Validate(config, weights);
        if (imageSize is < ResNetArchitecture.MinimumImageSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(imageSize), imageSize, $"The network needs images of at least {ResNetArchitecture.MinimumImageSize} pixels.");
        }

        var graph = new ResNetGraph(new OnnxGraphBuilder(config.Architecture.Name), weights);
        Dimension height = imageSize is { } size ? size : HeightDimension;
        Dimension width = imageSize is { } side ? side : WidthDimension;
        var x = graph.Builder.AddInput(InputName, [BatchDimension, config.InputChannels, height, width]);

        x = graph.ConvBatchNorm(x, "conv1", "bn1", kernel: 7, stride: 2);
        x = graph.Relu(x, "relu");
        x = graph.Builder.AddNode("MaxPool", "maxpool", [x], "maxpool.out",
            Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1));

        foreach (var block in config.Architecture.Blocks())
        {
            x = config.Architecture.Block == BlockKind.Basic
                ? graph.BasicBlock(x, block)
                : graph.Bottleneck(x, block, config.StridePlacement);
        }

        x = graph.Builder.AddNode("GlobalAveragePool", "avgpool", [x], "avgpool.out");
        x = graph.Builder.AddNode("Flatten", "flatten", [x], "flatten.out", Int("axis", 1));
        graph.Builder.AddNode("Gemm", "fc", [x, graph.Weight("fc.weight"), graph.Weight("fc.bias")], OutputName,
            Float("alpha", 1f), Float("beta", 1f), Int("transB", 1));
        graph.Builder.AddOutput(OutputName, [BatchDimension, config.NumClasses]);

        return graph.Builder.Build(ProducerName, producerVersion, metadata,
            $"{config.Architecture.Name} ({(config.StridePlacement == StridePlacement.On3x3 ? "v1.5" : "v1")}), {config.NumClasses} classes");
    }

    /// <summary>The builder plus the weights, with one method per torchvision building block.</summary>
    private sealed class ResNetGraph(OnnxGraphBuilder builder, IReadOnlyDictionary<string, NamedTensor> weights)
    {
        private readonly HashSet<string> _added = new(StringComparer.Ordinal);

        public OnnxGraphBuilder Builder { get; } = builder;

        /// <summary>The initializer for a state_dict tensor, added the first time a node reads it.</summary>
        public string Weight(string name)
        {
            if (_added.Add(name))
            {
                var tensor = weights[name];
                Builder.AddInitializer(name, tensor.Shape, tensor.Data);
            }

            return name;
        }

        public string BasicBlock(string input, BlockPlan block)
        {
            var p = block.Prefix;
            var x = ConvBatchNorm(input, $"{p}.conv1", $"{p}.bn1", kernel: 3, stride: block.Stride);
            x = Relu(x, $"{p}.relu1");
            x = ConvBatchNorm(x, $"{p}.conv2", $"{p}.bn2", kernel: 3, stride: 1);
            return Residual(input, x, block);
        }

        public string Bottleneck(string input, BlockPlan block, StridePlacement placement)
        {
            var p = block.Prefix;
            var strideOn1x1 = placement == StridePlacement.OnFirst1x1 ? block.Stride : 1;
            var strideOn3x3 = placement == StridePlacement.On3x3 ? block.Stride : 1;
            var x = ConvBatchNorm(input, $"{p}.conv1", $"{p}.bn1", kernel: 1, stride: strideOn1x1);
            x = Relu(x, $"{p}.relu1");
            x = ConvBatchNorm(x, $"{p}.conv2", $"{p}.bn2", kernel: 3, stride: strideOn3x3);
            x = Relu(x, $"{p}.relu2");
            x = ConvBatchNorm(x, $"{p}.conv3", $"{p}.bn3", kernel: 1, stride: 1);
            return Residual(input, x, block);
        }

        /// <summary>Adds the shortcut (identity, or the 1x1 projection "downsample") to the main path, then ReLU.</summary>
        private string Residual(string input, string mainPath, BlockPlan block)
        {
            var p = block.Prefix;
            var shortcut = block.Projection
                ? ConvBatchNorm(input, $"{p}.downsample.0", $"{p}.downsample.1", kernel: 1, stride: block.Stride)
                : input;
            var sum = Builder.AddNode("Add", $"{p}.add", [mainPath, shortcut], $"{p}.add.out");
            return Relu(sum, $"{p}.relu");
        }

        /// <summary>A bias-free convolution with "same"-style padding (kernel / 2), then inference-mode batch norm.</summary>
        public string ConvBatchNorm(string input, string conv, string batchNorm, int kernel, int stride)
        {
            var padding = kernel / 2;
            var x = Builder.AddNode("Conv", conv, [input, Weight($"{conv}.weight")], $"{conv}.out",
                Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride),
                Ints("pads", padding, padding, padding, padding), Ints("dilations", 1, 1), Int("group", 1));
            return Builder.AddNode("BatchNormalization", batchNorm,
                [x, Weight($"{batchNorm}.weight"), Weight($"{batchNorm}.bias"), Weight($"{batchNorm}.running_mean"), Weight($"{batchNorm}.running_var")],
                $"{batchNorm}.out", Float("epsilon", BatchNormEpsilon));
        }

        public string Relu(string input, string name) => Builder.AddNode("Relu", name, [input], $"{name}.out");
    }
}
