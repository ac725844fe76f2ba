namespace ResNetService.Topology;

/// <summary>Versions of the same architecture that differ inside their blocks, not in their parameter names.</summary>
public enum ResNetVariant
{
    /// <summary>"v1.5": a downsampling bottleneck strides on its 3x3 convolution, as torchvision does (slightly more accurate).</summary>
    V1_5,

    /// <summary>"v1": a downsampling bottleneck strides on its first 1x1 convolution, as the paper and the Keras code do.</summary>
    V1,

    /// <summary>
    /// "keras": the Keras ResNet-50 of the tutorials. v1's stride placement, plus convolutions with biases, a zero-padded
    /// valid 7x7/2 stem and an unpadded 3x3/2 max pool, Keras's batch norm constants and Glorot-uniform initialisation.
    /// Bottleneck architectures only (Keras has no ResNet-18/34).
    /// </summary>
    Keras,
}

/// <summary>The one mapping between variants and the names users type, print and store ("v1.5", "v1").</summary>
public static class ResNetVariants
{
    public const ResNetVariant Default = ResNetVariant.V1_5;

    private static readonly (ResNetVariant Variant, string Name, string Description)[] Names =
    [
        (ResNetVariant.V1_5, "v1.5", "stride on the 3x3 convolution (torchvision)"),
        (ResNetVariant.V1, "v1", "stride on the first 1x1 (paper, Keras)"),
        (ResNetVariant.Keras, "keras", "the Keras ResNet-50 of the tutorials: v1 with conv biases, zero padding + valid 7x7/2 stem, " +
            "unpadded 3x3/2 max pool, batch norm epsilon 1e-3 and momentum 0.99, Glorot-uniform init (resnet50/101/152)"),
    ];

    /// <summary>Every variant's name, the default first.</summary>
    public static IReadOnlyList<string> AllNames { get; } = [.. Names.Select(entry => entry.Name)];

    /// <summary>One line for help texts: each name with what it changes.</summary>
    public static string Help { get; } = string.Join("; ", Names.Select(entry => $"{entry.Name}: {entry.Description}")) + ".";

    public static string Name(this ResNetVariant variant) => Names.Single(entry => entry.Variant == variant).Name;

    public static bool TryParse(string? name, out ResNetVariant variant)
    {
        foreach (var (candidate, candidateName, _) in Names)
        {
            if (string.Equals(name?.Trim(), candidateName, StringComparison.OrdinalIgnoreCase))
            {
                variant = candidate;
                return true;
            }
        }

        variant = Default;
        return false;
    }

    public static ResNetVariant Parse(string name) =>
        TryParse(name, out var variant)
            ? variant
            : throw new ArgumentException($"Unknown variant '{name}'; use {string.Join(" or ", AllNames)}.", nameof(name));
}
