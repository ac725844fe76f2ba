namespace ResNetService.Topology;

/// <summary>How the last feature map becomes the fully connected layer's input.</summary>
public enum ResNetHead
{
    /// <summary>"gap": the mean of each channel, then the dense layer (torchvision, keras.applications).</summary>
    GlobalAveragePool,

    /// <summary>
    /// "avgpool2": 2x2 average pooling with stride 2, flatten, then the dense layer (the SIGNS tutorial). Its dense
    /// input is channels x floor(h / 2) x floor(w / 2), so the network is built for one image size.
    /// </summary>
    AveragePool2,
}

/// <summary>The one mapping between heads and the names users type, print and store ("gap", "avgpool2").</summary>
public static class ResNetHeads
{
    public const ResNetHead Default = ResNetHead.GlobalAveragePool;

    private static readonly (ResNetHead Head, string Name, string Description)[] Names =
    [
        (ResNetHead.GlobalAveragePool, "gap", "global average pooling, then the dense layer"),
        (ResNetHead.AveragePool2, "avgpool2", "2x2/2 average pooling, flatten, dense (the SIGNS tutorial; fixed to the image size)"),
    ];

    /// <summary>Every head's name, the default first.</summary>
    public static IReadOnlyList<string> AllNames { get; } = [.. Names.Select(entry => entry.Name)];

    /// <summary>One line for help texts: each name with what it does.</summary>
    public static string Help { get; } = string.Join("; ", Names.Select(entry => $"{entry.Name}: {entry.Description}")) + ".";

    public static string Name(this ResNetHead head) => Names.Single(entry => entry.Head == head).Name;

    /// <summary>Whether the head's dense layer depends on the image size (<see cref="ResNetConfig.ImageSize"/>).</summary>
    public static bool NeedsImageSize(this ResNetHead head) => head == ResNetHead.AveragePool2;

    public static bool TryParse(string? name, out ResNetHead head)
    {
        foreach (var (candidate, candidateName, _) in Names)
        {
            if (string.Equals(name?.Trim(), candidateName, StringComparison.OrdinalIgnoreCase))
            {
                head = candidate;
                return true;
            }
        }

        head = Default;
        return false;
    }

    public static ResNetHead Parse(string name) =>
        TryParse(name, out var head)
            ? head
            : throw new ArgumentException($"Unknown head '{name}'; use {string.Join(" or ", AllNames)}.", nameof(name));
}
