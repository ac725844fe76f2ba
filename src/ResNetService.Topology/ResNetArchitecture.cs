namespace ResNetService.Topology;

/// <summary>The residual block a network is built from.</summary>
public enum BlockKind
{
    /// <summary>Two 3x3 convolutions (ResNet-18/34).</summary>
    Basic,

    /// <summary>1x1 reduce, 3x3, 1x1 expand (ResNet-50/101/152).</summary>
    Bottleneck,
}

/// <summary>A member of the ResNet family: its block and how many blocks each of the four stages holds.</summary>
public sealed record ResNetArchitecture(string Name, BlockKind Block, IReadOnlyList<int> BlocksPerStage)
{
    public static readonly ResNetArchitecture ResNet18 = new("resnet18", BlockKind.Basic, [2, 2, 2, 2]);
    public static readonly ResNetArchitecture ResNet34 = new("resnet34", BlockKind.Basic, [3, 4, 6, 3]);
    public static readonly ResNetArchitecture ResNet50 = new("resnet50", BlockKind.Bottleneck, [3, 4, 6, 3]);
    public static readonly ResNetArchitecture ResNet101 = new("resnet101", BlockKind.Bottleneck, [3, 4, 23, 3]);
    public static readonly ResNetArchitecture ResNet152 = new("resnet152", BlockKind.Bottleneck, [3, 8, 36, 3]);

    public static IReadOnlyList<ResNetArchitecture> All { get; } = [ResNet18, ResNet34, ResNet50, ResNet101, ResNet152];

    /// <summary>The smallest input the network accepts: each of its five stride-2 steps must leave at least one pixel.</summary>
    public const int MinimumImageSize = 32;

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

    /// <summary>The name, e.g. "resnet50", as users type it.</summary>
    public override string ToString() => Name;
}
