namespace ResNetService.Onnx.ResNet;

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
/// The tensors of a ResNet's state_dict, named and ordered as torchvision's <c>resnet.py</c> registers them
/// (stem, layer1..layer4 block by block, fc), leaving out batch norm's <c>num_batches_tracked</c> counters.
/// Convolutions have no bias; a convolution weight is [out, in, k, k], <c>fc.weight</c> is [classes, features].
/// </summary>
public static class ResNetParameters
{
    public static IReadOnlyList<ParameterSpec> Enumerate(ResNetConfig config)
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

        var specs = new List<ParameterSpec>();
        var architecture = config.Architecture;
        AddConvolution(specs, "conv1", ResNetArchitecture.StemChannels, config.InputChannels, 7);
        AddBatchNorm(specs, "bn1", ResNetArchitecture.StemChannels);

        foreach (var block in architecture.Blocks())
        {
            var p = block.Prefix;
            if (architecture.Block == BlockKind.Basic)
            {
                AddConvolution(specs, $"{p}.conv1", block.Width, block.InChannels, 3);
                AddBatchNorm(specs, $"{p}.bn1", block.Width);
                AddConvolution(specs, $"{p}.conv2", block.OutChannels, block.Width, 3);
                AddBatchNorm(specs, $"{p}.bn2", block.OutChannels);
            }
            else
            {
                AddConvolution(specs, $"{p}.conv1", block.Width, block.InChannels, 1);
                AddBatchNorm(specs, $"{p}.bn1", block.Width);
                AddConvolution(specs, $"{p}.conv2", block.Width, block.Width, 3);
                AddBatchNorm(specs, $"{p}.bn2", block.Width);
                AddConvolution(specs, $"{p}.conv3", block.OutChannels, block.Width, 1);
                AddBatchNorm(specs, $"{p}.bn3", block.OutChannels);
            }

            if (block.Projection)
            {
                AddConvolution(specs, $"{p}.downsample.0", block.OutChannels, block.InChannels, 1);
                AddBatchNorm(specs, $"{p}.downsample.1", block.OutChannels);
            }
        }

        specs.Add(new("fc.weight", [config.NumClasses, architecture.FeatureChannels], ParameterKind.Trainable));
        specs.Add(new("fc.bias", [config.NumClasses], ParameterKind.Trainable));
        return specs;
    }

    /// <summary>How many numbers the optimizer learns (torchvision's <c>sum(p.numel() for p in model.parameters())</c>).</summary>
    public static long TrainableCount(ResNetConfig config) =>
        Enumerate(config).Where(spec => spec.IsTrainable).Sum(spec => spec.ElementCount);

    private static void AddConvolution(List<ParameterSpec> specs, string name, int outChannels, int inChannels, int kernel) =>
        specs.Add(new($"{name}.weight", [outChannels, inChannels, kernel, kernel], ParameterKind.Trainable));

    private static void AddBatchNorm(List<ParameterSpec> specs, string name, int channels)
    {
        specs.Add(new($"{name}.weight", [channels], ParameterKind.Trainable));
        specs.Add(new($"{name}.bias", [channels], ParameterKind.Trainable));
        specs.Add(new($"{name}.running_mean", [channels], ParameterKind.RunningStatistic));
        specs.Add(new($"{name}.running_var", [channels], ParameterKind.RunningStatistic));
    }
}
