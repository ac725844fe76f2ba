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
        var blocks = Plan(config.Architecture)
            .Select(plan => new ResidualBlock(
                plan,
                kind,
                kind == BlockKind.Basic ? BasicBlock(plan) : Bottleneck(plan, config.Variant),
                plan.NeedsProjection ? Downsample(plan) : null,
                new Relu("relu")))
            .ToList();
        var features = StageWidths[^1] * Expansion(kind);
        return new Network(config, Stem(config.InputChannels), blocks, Head(features, config.NumClasses),
            new Initialization(Convolutions: WeightInit.KaimingNormalFanOut, Linear: WeightInit.FrameworkDefault));
    }

    /// <summary>7x7/2 convolution, batch norm, ReLU, 3x3/2 max pool: a quarter of the input's side.</summary>
    private static Layer[] Stem(int inputChannels) =>
    [
        Conv("conv1", inputChannels, StemChannels, kernel: 7, stride: 2),
        BatchNorm("bn1", StemChannels),
        new Relu("relu"),
        new MaxPool("maxpool", Kernel: 3, Stride: 2, Padding: 1),
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

    /// <summary>ResNet-50/101/152: 1x1 reduce, 3x3, 1x1 expand. v1.5 strides on the 3x3, v1 on the first 1x1.</summary>
    private static Layer[] Bottleneck(BlockPlan block, ResNetVariant variant)
    {
        var strideOn1x1 = variant == ResNetVariant.V1 ? block.Stride : 1;
        var strideOn3x3 = variant == ResNetVariant.V1_5 ? block.Stride : 1;
        return
        [
            Conv("conv1", block.InChannels, block.Width, kernel: 1, strideOn1x1),
            BatchNorm("bn1", block.Width),
            new Relu("relu1"),
            Conv("conv2", block.Width, block.Width, kernel: 3, strideOn3x3),
            BatchNorm("bn2", block.Width),
            new Relu("relu2"),
            Conv("conv3", block.Width, block.OutChannels, kernel: 1),
            BatchNorm("bn3", block.OutChannels),
        ];
    }

    /// <summary>The projection shortcut: a 1x1 convolution with the block's stride, then batch norm.</summary>
    private static Layer[] Downsample(BlockPlan block) =>
    [
        Conv("0", block.InChannels, block.OutChannels, kernel: 1, block.Stride),
        BatchNorm("1", block.OutChannels),
    ];

    private static Layer[] Head(int features, int classes) =>
    [
        new GlobalAveragePool("avgpool"),
        new Flatten("flatten"),
        new Linear("fc", features, classes),
    ];

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
}
