namespace ResNetService.Topology;

/// <summary>
/// A concrete network: an architecture, a variant, the sizes of its input and output, and its head.
/// <see cref="ImageSize"/> is the side of the square input the network is built for: only a head whose dense layer
/// depends on it (<see cref="ResNetHeads.NeedsImageSize"/>) needs it; the others accept any size.
/// </summary>
public sealed record ResNetConfig(
    ResNetArchitecture Architecture,
    int NumClasses,
    ResNetVariant Variant = ResNetVariants.Default,
    int InputChannels = 3,
    ResNetHead Head = ResNetHeads.Default,
    int? ImageSize = null)
{
    /// <summary>e.g. "resnet50 (v1.5), 10 classes"; a head other than the default is named after the classes.</summary>
    public string Title => $"{Architecture.Name} ({Variant.Name()}), {NumClasses} classes" +
        (Head == ResNetHeads.Default ? "" : $", {Head.Name()} head at {ImageSize}x{ImageSize}");
}
