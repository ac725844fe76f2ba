namespace ResNetService.Topology;

/// <summary>
/// A whole network, layer by layer: the stem, the residual blocks in order (the stages are the blocks grouped by
/// <see cref="BlockPlan.Stage"/>, named layer1..layer4), and the head. Built by <see cref="ResNetTopology.Describe"/>.
/// </summary>
public sealed record Network(
    ResNetConfig Config,
    IReadOnlyList<Layer> Stem,
    IReadOnlyList<ResidualBlock> Blocks,
    IReadOnlyList<Layer> Head,
    Initialization Initialization)
{
    /// <summary>Each stage's module name ("layer1") with its blocks, in order.</summary>
    public IEnumerable<(string Name, IReadOnlyList<ResidualBlock> Blocks)> Stages() =>
        Blocks.GroupBy(block => block.Plan.Stage)
            .Select(stage => ($"layer{stage.Key}", (IReadOnlyList<ResidualBlock>)[.. stage]));

    /// <summary>Every layer under its full torchvision name ("layer1.0.downsample.0"), in state_dict order.</summary>
    public IEnumerable<(string Name, Layer Layer)> NamedLayers()
    {
        foreach (var layer in Stem)
        {
            yield return (layer.Name, layer);
        }

        foreach (var block in Blocks)
        {
            foreach (var named in block.NamedLayers())
            {
                yield return named;
            }
        }

        foreach (var layer in Head)
        {
            yield return (layer.Name, layer);
        }
    }
}

/// <summary>
/// A residual block: output = <see cref="Activation"/>(main path(x) + shortcut(x)), where the shortcut is
/// <see cref="Downsample"/> (a projection) when the block changes shape, else the identity.
/// </summary>
public sealed record ResidualBlock(
    BlockPlan Plan,
    BlockKind Kind,
    IReadOnlyList<Layer> MainPath,
    IReadOnlyList<Layer>? Downsample,
    Relu Activation)
{
    /// <summary>The module name of the projection shortcut, as torchvision calls it.</summary>
    public const string DownsampleName = "downsample";

    /// <summary>The full name, e.g. "layer2.0".</summary>
    public string Name => Plan.Name;

    public bool HasProjection => Downsample is not null;

    /// <summary>torchvision's class for this kind of block: "BasicBlock" or "Bottleneck".</summary>
    public string ClassName => Kind == BlockKind.Basic ? "BasicBlock" : "Bottleneck";

    /// <summary>The batch norm the shortcut is added to (zero-initialised on request, to start the block as the identity).</summary>
    public BatchNorm LastNorm => MainPath.OfType<BatchNorm>().Last();

    /// <summary>The block's layers under their full names, main path first, as torchvision registers them.</summary>
    public IEnumerable<(string Name, Layer Layer)> NamedLayers() =>
        MainPath.Select(layer => ($"{Name}.{layer.Name}", layer))
            .Concat((Downsample ?? []).Select(layer => ($"{Name}.{DownsampleName}.{layer.Name}", layer)))
            .Append(($"{Name}.{Activation.Name}", (Layer)Activation));
}

/// <summary>
/// Where a block sits and the shape change it makes: stage is 1-based (the block is named "layer{Stage}.{Index}"),
/// width is the bottleneck width, and a projection shortcut is needed when the stride or the channels change.
/// </summary>
public sealed record BlockPlan(int Stage, int Index, int InChannels, int Width, int OutChannels, int Stride)
{
    public string Name => $"layer{Stage}.{Index}";

    public bool NeedsProjection => Stride != 1 || InChannels != OutChannels;
}

/// <summary>How a new network's weights start.</summary>
public enum WeightInit
{
    /// <summary>Kaiming (He) normal over fan-out for ReLU, torchvision's choice for convolutions.</summary>
    KaimingNormalFanOut,

    /// <summary>The framework's own default for the layer (PyTorch's Linear: uniform within 1/sqrt(fan-in)).</summary>
    FrameworkDefault,

    /// <summary>
    /// Glorot (Xavier) uniform within sqrt(6 / (fan-in + fan-out)) and zero biases: Keras's default for Conv2D and Dense.
    /// </summary>
    GlorotUniform,
}

/// <summary>The initialisation scheme: convolutions, fully connected layers, and batch norms (weight 1, bias 0).</summary>
public sealed record Initialization(WeightInit Convolutions, WeightInit Linear);
