namespace ResNetService.Topology;

/// <summary>A concrete network: an architecture, a variant, and the sizes of its input and output.</summary>
public sealed record ResNetConfig(
    ResNetArchitecture Architecture,
    int NumClasses,
    ResNetVariant Variant = ResNetVariants.Default,
    int InputChannels = 3)
{
    /// <summary>e.g. "resnet50 (v1.5), 10 classes".</summary>
    public string Title => $"{Architecture.Name} ({Variant.Name()}), {NumClasses} classes";
}
