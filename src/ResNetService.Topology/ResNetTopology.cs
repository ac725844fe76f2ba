namespace ResNetService.Topology;

/// <summary>
/// The layers of a ResNet, written once, in the shape of torchvision's resnet.py: a stem, four stages of residual
/// blocks, a head. Names are torchvision's module names, so parameter names equal its state_dict. The TorchSharp
/// network, the ONNX graph and the parameter table are each built by walking what <see cref="Describe"/> returns.
/// </summary>
public static class ResNetTopology
{
    private const int StemChannels = 64;

    /// <summary>Each stage's bottleneck width; its output has width x <see cref="Expansion"/> channels.</summary>
    private static readonly IReadOnlyList<int> StageWidths = [64, 128, 256, 512];

    private static int Expansion(BlockKind block) => block == BlockKind.Bottleneck ? 4 : 1;

    public static Network Describe(ResNetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.NumClasses < 1)
        {
            throw new ArgumentException($"A network needs at least one class, not {config.NumClasses}.", nameof(config));
        }

        if (config.InputChannels < 1)
        {
            throw new ArgumentException($"A network needs at least one input channel, not {config.InputChannels}.", nameof(config));
        }

        var kind = config.Architecture.Block;
        var keras = config.Variant == ResNetVariant.Keras;
        if (keras && kind != BlockKind.Bottleneck)
        {
            throw new ArgumentException(
                $"The keras variant is Keras's ResNet-50 family (resnet50, resnet101, resnet152); {config.Architecture.Name} has no Keras original.",
                nameof(config));
        }

        var layers = keras ? KerasLayers : TorchvisionLayers;
        var blocks = Plan(config.Architecture)
            .Select(plan => new ResidualBlock(
                plan,
                kind,
                kind == BlockKind.Basic ? BasicBlock(plan) : Bottleneck(plan, config.Variant, layers),
                plan.NeedsProjection ? Downsample(plan, layers) : null,
                new Relu("relu")))
            .ToList();
        var stem = keras ? KerasStem(config.InputChannels) : Stem(config.InputChannels);
        var channels = StageWidths[^1] * Expansion(kind);
        var init = keras
            ? new Initialization(Convolutions: WeightInit.GlorotUniform, Linear: WeightInit.GlorotUniform)
            : new Initialization(Convolutions: WeightInit.KaimingNormalFanOut, Linear: WeightInit.FrameworkDefault);
        return new Network(config, stem, blocks, Head(config, stem, blocks, channels), init);
    }

    /// <summary>How one flavour writes its convolutions and batch norms.</summary>
    private sealed record LayerStyle(Func<string, int, int, int, int, Conv> Conv, Func<string, int, BatchNorm> BatchNorm);

    private static readonly LayerStyle TorchvisionLayers = new(
        (name, inChannels, outChannels, kernel, stride) => Conv(name, inChannels, outChannels, kernel, stride), BatchNorm);

    private static readonly LayerStyle KerasLayers = new(KerasConv, KerasBatchNorm);

    /// <summary>7x7/2 convolution, batch norm, ReLU, 3x3/2 max pool: a quarter of the input's side.</summary>
    private static Layer[] Stem(int inputChannels) =>
    [
        Conv("conv1", inputChannels, StemChannels, kernel: 7, stride: 2),
        BatchNorm("bn1", StemChannels),
        new Relu("relu"),
        new MaxPool("maxpool", Kernel: 3, Stride: 2, Padding: 1),
    ];

    /// <summary>
    /// Keras's stem: ZeroPadding2D(3), a valid 7x7/2 convolution (with bias), batch norm, ReLU, and an unpadded 3x3/2
    /// max pool. At 64x64 input: 70x70, 32x32, 15x15.
    /// </summary>
    private static Layer[] KerasStem(int inputChannels) =>
    [
        new ZeroPad("pad", Padding: 3),
        KerasConv("conv1", inputChannels, StemChannels, kernel: 7, stride: 2),
        KerasBatchNorm("bn1", StemChannels),
        new Relu("relu"),
        new MaxPool("maxpool", Kernel: 3, Stride: 2, Padding: 0),
    ];

    /// <summary>ResNet-18/34: two 3x3 convolutions; the first one strides.</summary>
    private static Layer[] BasicBlock(BlockPlan block) =>
    [
        Conv("conv1", block.InChannels, block.Width, kernel: 3, block.Stride),
        BatchNorm("bn1", block.Width),
        new Relu("relu1"),
        Conv("conv2", block.Width, block.OutChannels, kernel: 3),
        BatchNorm("bn2", block.OutChannels),
    ];

    /// <summary>
    /// ResNet-50/101/152: 1x1 reduce, 3x3, 1x1 expand. v1.5 strides on the 3x3; v1 and keras on the first 1x1.
    /// </summary>
    private static Layer[] Bottleneck(BlockPlan block, ResNetVariant variant, LayerStyle layers)
    {
        var strideOn1x1 = variant == ResNetVariant.V1_5 ? 1 : block.Stride;
        var strideOn3x3 = variant == ResNetVariant.V1_5 ? block.Stride : 1;
        return
        [
            layers.Conv("conv1", block.InChannels, block.Width, 1, strideOn1x1),
            layers.BatchNorm("bn1", block.Width),
            new Relu("relu1"),
            layers.Conv("conv2", block.Width, block.Width, 3, strideOn3x3),
            layers.BatchNorm("bn2", block.Width),
            new Relu("relu2"),
            layers.Conv("conv3", block.Width, block.OutChannels, 1, 1),
            layers.BatchNorm("bn3", block.OutChannels),
        ];
    }

    /// <summary>The projection shortcut: a 1x1 convolution with the block's stride, then batch norm.</summary>
    private static Layer[] Downsample(BlockPlan block, LayerStyle layers) =>
    [
        layers.Conv("0", block.InChannels, block.OutChannels, 1, block.Stride),
        layers.BatchNorm("1", block.OutChannels),
    ];

    /// <summary>
    /// Global average pooling (the default), or the SIGNS tutorial's 2x2/2 average pool, whose flattened output
    /// holds channels x floor(side / 2)^2 numbers for the last feature map's side at the configured image size.
    /// </summary>
    private static Layer[] Head(ResNetConfig config, IReadOnlyList<Layer> stem, IReadOnlyList<ResidualBlock> blocks, int channels)
    {
        if (!config.Head.NeedsImageSize())
        {
            return [new GlobalAveragePool("avgpool"), new Flatten("flatten"), new Linear("fc", channels, config.NumClasses)];
        }

        if (config.ImageSize is not { } imageSize)
        {
            throw new ArgumentException($"The {config.Head.Name()} head needs the image size the network is built for.", nameof(config));
        }

        var pool = new AveragePool("avgpool", Kernel: 2, Stride: 2);
        var side = SpatialSize.After(pool, SpatialSize.AfterBlocks(stem, blocks, imageSize));
        if (side < 1)
        {
            throw new ArgumentException(
                $"The {config.Head.Name()} head needs a last feature map of at least 2x2; {imageSize}x{imageSize} input leaves less.", nameof(config));
        }

        return [pool, new Flatten("flatten"), new Linear("fc", channels * side * side, config.NumClasses)];
    }

    /// <summary>
    /// Every block in order. The first block of a stage downsamples (stride 2, except in stage 1, which follows the
    /// max pool); every block's output has width x expansion channels.
    /// </summary>
    private static IEnumerable<BlockPlan> Plan(ResNetArchitecture architecture)
    {
        var inChannels = StemChannels;
        for (var stage = 0; stage < architecture.BlocksPerStage.Count; stage++)
        {
            var width = StageWidths[stage];
            var outChannels = width * Expansion(architecture.Block);
            for (var index = 0; index < architecture.BlocksPerStage[stage]; index++)
            {
                yield return new BlockPlan(stage + 1, index, inChannels, width, outChannels, Stride: index == 0 && stage > 0 ? 2 : 1);
                inChannels = outChannels;
            }
        }
    }

    /// <summary>torchvision's convolution: no bias (a batch norm follows), "same" padding of kernel / 2.</summary>
    private static Conv Conv(string name, int inChannels, int outChannels, int kernel, int stride = 1) =>
        new(name, inChannels, outChannels, kernel, stride, Padding: kernel / 2, Bias: false);

    /// <summary>PyTorch's BatchNorm2d defaults.</summary>
    private static BatchNorm BatchNorm(string name, int channels) => new(name, channels, Epsilon: 1e-5, Momentum: 0.1);

    /// <summary>
    /// Keras's Conv2D as the tutorials use it: with bias; 1x1 convolutions "valid" (no padding), 3x3 "same" (stride 1
    /// there, so one pixel on every side); the 7x7 stem convolution is valid after its own zero padding.
    /// </summary>
    private static Conv KerasConv(string name, int inChannels, int outChannels, int kernel, int stride) =>
        new(name, inChannels, outChannels, kernel, stride, Padding: kernel == 3 ? 1 : 0, Bias: true);

    /// <summary>Keras's BatchNormalization defaults: epsilon 1e-3, momentum 0.99 (0.01 in PyTorch's convention).</summary>
    private static BatchNorm KerasBatchNorm(string name, int channels) => new(name, channels, Epsilon: 1e-3, Momentum: 0.01);
}
