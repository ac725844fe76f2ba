namespace ResNetService.Onnx.ResNet;

/// <summary>The residual block a stage is built from.</summary>
public enum BlockKind
{
    /// <summary>Two 3x3 convolutions (ResNet-18/34). Output channels = width.</summary>
    Basic,

    /// <summary>1x1 reduce, 3x3, 1x1 expand (ResNet-50/101/152). Output channels = 4 x width.</summary>
    Bottleneck,
}

/// <summary>Where a downsampling bottleneck block puts its stride.</summary>
public enum StridePlacement
{
    /// <summary>On the 3x3 convolution, as torchvision does ("ResNet v1.5"); slightly more accurate.</summary>
    On3x3,

    /// <summary>On the first 1x1 convolution, as the original paper and the Keras code do ("ResNet v1").</summary>
    OnFirst1x1,
}

/// <summary>
/// The whole topology of a ResNet as plain data. The TorchSharp network and the ONNX graph are both
/// built from this one description, so they cannot drift apart.
/// </summary>
public sealed record ResNetArchitecture(string Name, BlockKind Block, IReadOnlyList<int> BlocksPerStage)
{
    /// <summary>Bottleneck width of each stage; a stage's output has <see cref="Expansion"/> times as many channels.</summary>
    public static readonly IReadOnlyList<int> StageWidths = [64, 128, 256, 512];

    /// <summary>Channels produced by the 7x7 stem convolution.</summary>
    public const int StemChannels = 64;

    public static readonly ResNetArchitecture ResNet18 = new("resnet18", BlockKind.Basic, [2, 2, 2, 2]);
    public static readonly ResNetArchitecture ResNet34 = new("resnet34", BlockKind.Basic, [3, 4, 6, 3]);
    public static readonly ResNetArchitecture ResNet50 = new("resnet50", BlockKind.Bottleneck, [3, 4, 6, 3]);
    public static readonly ResNetArchitecture ResNet101 = new("resnet101", BlockKind.Bottleneck, [3, 4, 23, 3]);
    public static readonly ResNetArchitecture ResNet152 = new("resnet152", BlockKind.Bottleneck, [3, 8, 36, 3]);

    public static IReadOnlyList<ResNetArchitecture> All { get; } = [ResNet18, ResNet34, ResNet50, ResNet101, ResNet152];

    /// <summary>Output channels = width x expansion (1 for basic blocks, 4 for bottlenecks).</summary>
    public int Expansion => Block == BlockKind.Bottleneck ? 4 : 1;

    /// <summary>Channels entering the classifier.</summary>
    public int FeatureChannels => StageWidths[^1] * Expansion;

    /// <summary>Finds an architecture by name ("resnet50", "ResNet-50" and "50" all work).</summary>
    public static bool TryParse(string? name, out ResNetArchitecture architecture)
    {
        var key = (name ?? "").Trim().ToLowerInvariant().Replace("-", "").Replace("_", "");
        if (!key.StartsWith("resnet", StringComparison.Ordinal))
        {
            key = "resnet" + key;
        }

        architecture = All.FirstOrDefault(a => a.Name == key)!;
        return architecture is not null;
    }

    public static ResNetArchitecture Parse(string name) =>
        TryParse(name, out var architecture)
            ? architecture
            : throw new ArgumentException(
                $"Unknown architecture '{name}'. Known: {string.Join(", ", All.Select(a => a.Name))}.", nameof(name));

    /// <summary>
    /// Every block in order, with the shape change it makes. The first block of a stage downsamples
    /// (stride 2, except stage 1) and gets a projection shortcut whenever its input and output differ.
    /// </summary>
    public IEnumerable<BlockPlan> Blocks()
    {
        var inChannels = StemChannels;
        for (var stage = 0; stage < BlocksPerStage.Count; stage++)
        {
            var width = StageWidths[stage];
            var outChannels = width * Expansion;
            for (var index = 0; index < BlocksPerStage[stage]; index++)
            {
                var stride = index == 0 && stage > 0 ? 2 : 1;
                var projection = stride != 1 || inChannels != outChannels;
                yield return new BlockPlan(stage + 1, index, inChannels, width, outChannels, stride, projection);
                inChannels = outChannels;
            }
        }
    }

    /// <summary>Spatial size after the stem (7x7/2 conv, 3x3/2 max pool) and the three downsampling stages.</summary>
    public static int FinalFeatureSize(int imageSize)
    {
        var size = ConvOutput(imageSize, kernel: 7, stride: 2, padding: 3);
        size = ConvOutput(size, kernel: 3, stride: 2, padding: 1);
        for (var stage = 1; stage < StageWidths.Count; stage++)
        {
            size = ConvOutput(size, kernel: 3, stride: 2, padding: 1);
        }

        return size;
    }

    /// <summary>The smallest input the network accepts: each stride-2 step must leave at least one pixel.</summary>
    public const int MinimumImageSize = 32;

    /// <summary>The name, e.g. "resnet50", as users type it.</summary>
    public override string ToString() => Name;

    private static int ConvOutput(int size, int kernel, int stride, int padding) => (size + 2 * padding - kernel) / stride + 1;
}

/// <summary>
/// One residual block: stage is 1-based (names are "layer{Stage}.{Index}"), width is the bottleneck width,
/// and <see cref="Projection"/> says the shortcut is a 1x1 convolution plus batch norm ("downsample").
/// </summary>
public sealed record BlockPlan(int Stage, int Index, int InChannels, int Width, int OutChannels, int Stride, bool Projection)
{
    /// <summary>The torchvision state_dict prefix of this block, e.g. "layer2.0".</summary>
    public string Prefix => $"layer{Stage}.{Index}";
}

/// <summary>A concrete network: a topology plus the choices that do not change its parameter names.</summary>
public sealed record ResNetConfig(
    ResNetArchitecture Architecture,
    int NumClasses,
    StridePlacement StridePlacement = StridePlacement.On3x3,
    int InputChannels = 3);
