using ResNetService.Topology;

namespace ResNetService.Onnx.ResNet;

/// <summary>Checks a set of named weights against the tensors a network needs.</summary>
public static class ResNetWeights
{
    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming the first tensor that is missing, has the wrong shape, holds
    /// the wrong number of values, holds NaN or infinity (a diverged training run), or does not belong to the network.
    /// Batch norm's <c>num_batches_tracked</c> counters are allowed and ignored.
    /// </summary>
    public static void Validate(ResNetConfig config, IReadOnlyDictionary<string, NamedTensor> weights) =>
        Validate(ResNetTopology.Describe(config), weights);

    /// <inheritdoc cref="Validate(ResNetConfig, IReadOnlyDictionary{string, NamedTensor})"/>
    public static void Validate(Network network, IReadOnlyDictionary<string, NamedTensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var config = network.Config;
        var specs = ResNetParameters.Enumerate(network);
        foreach (var spec in specs)
        {
            if (!weights.TryGetValue(spec.Name, out var tensor))
            {
                throw new ArgumentException($"Weight '{spec.Name}' is missing; expected shape {spec.ShapeText}.", nameof(weights));
            }

            if (tensor.Name != spec.Name)
            {
                throw new ArgumentException($"Weight '{spec.Name}' is stored under that key but named '{tensor.Name}'.", nameof(weights));
            }

            if (!tensor.Shape.SequenceEqual(spec.Shape))
            {
                throw new ArgumentException(
                    $"Weight '{spec.Name}' has shape [{string.Join(", ", tensor.Shape)}]; expected shape {spec.ShapeText}.", nameof(weights));
            }

            if (tensor.Data.LongLength != spec.ElementCount)
            {
                throw new ArgumentException(
                    $"Weight '{spec.Name}' holds {tensor.Data.LongLength} values; expected shape {spec.ShapeText} holds {spec.ElementCount}.",
                    nameof(weights));
            }

            var badIndex = Array.FindIndex(tensor.Data, value => !float.IsFinite(value));
            if (badIndex >= 0)
            {
                throw new ArgumentException($"Weight '{spec.Name}' holds {tensor.Data[badIndex]} at index {badIndex}.", nameof(weights));
            }
        }

        var known = specs.Select(spec => spec.Name).ToHashSet(StringComparer.Ordinal);
        var stranger = weights.Keys.FirstOrDefault(name => !known.Contains(name) && !name.EndsWith(".num_batches_tracked", StringComparison.Ordinal));
        if (stranger is not null)
        {
            throw new ArgumentException(
                $"Weight '{stranger}' is not part of {config.Architecture.Name} with {config.NumClasses} classes.", nameof(weights));
        }
    }
}
