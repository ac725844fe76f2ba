namespace ResNetService.Topology;

/// <summary>Whether a state_dict tensor is learned by the optimizer or tracked by batch norm.</summary>
public enum ParameterKind
{
    /// <summary>A learned weight or bias.</summary>
    Trainable,

    /// <summary>A batch norm running mean or variance: in the state_dict, but not a parameter.</summary>
    RunningStatistic,
}

/// <summary>One tensor a ResNet's state_dict holds: its torchvision name, shape and kind.</summary>
public sealed record ParameterSpec(string Name, long[] Shape, ParameterKind Kind)
{
    public long ElementCount => Shape.Aggregate(1L, (count, size) => count * size);

    public bool IsTrainable => Kind == ParameterKind.Trainable;

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}

/// <summary>
/// The tensors of a network's state_dict, read off its layers in torchvision's order, leaving out batch norm's
/// <c>num_batches_tracked</c> counters. A convolution weight is [out, in, k, k]; a linear weight is [out, in].
/// </summary>
public static class ResNetParameters
{
    public static IReadOnlyList<ParameterSpec> Enumerate(ResNetConfig config) => Enumerate(ResNetTopology.Describe(config));

    public static IReadOnlyList<ParameterSpec> Enumerate(Network network) =>
        [.. network.NamedLayers().SelectMany(named => Of(named.Name, named.Layer))];

    /// <summary>How many numbers the optimizer learns (torchvision's <c>sum(p.numel() for p in model.parameters())</c>).</summary>
    public static long TrainableCount(ResNetConfig config) =>
        Enumerate(config).Where(spec => spec.IsTrainable).Sum(spec => spec.ElementCount);

    private static IEnumerable<ParameterSpec> Of(string name, Layer layer)
    {
        switch (layer)
        {
            case Conv conv:
                yield return new($"{name}.weight", [conv.OutChannels, conv.InChannels, conv.Kernel, conv.Kernel], ParameterKind.Trainable);
                if (conv.Bias)
                {
                    yield return new($"{name}.bias", [conv.OutChannels], ParameterKind.Trainable);
                }

                break;
            case BatchNorm norm:
                yield return new($"{name}.weight", [norm.Channels], ParameterKind.Trainable);
                yield return new($"{name}.bias", [norm.Channels], ParameterKind.Trainable);
                yield return new($"{name}.running_mean", [norm.Channels], ParameterKind.RunningStatistic);
                yield return new($"{name}.running_var", [norm.Channels], ParameterKind.RunningStatistic);
                break;
            case Linear linear:
                yield return new($"{name}.weight", [linear.OutFeatures, linear.InFeatures], ParameterKind.Trainable);
                yield return new($"{name}.bias", [linear.OutFeatures], ParameterKind.Trainable);
                break;
        }
    }
}
