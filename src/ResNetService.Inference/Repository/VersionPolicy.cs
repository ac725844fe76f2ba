namespace ResNetService.Inference.Repository;

/// <summary>Which of a model's versions are loaded, as Triton's version_policy says it.</summary>
public enum VersionPolicyKind
{
    /// <summary>The <see cref="VersionPolicy.Latest"/> highest version numbers.</summary>
    Latest,

    /// <summary>Every version in the folder.</summary>
    All,

    /// <summary>The versions listed in <see cref="VersionPolicy.Versions"/>.</summary>
    Specific,
}

/// <summary>A version policy; the versions it leaves out are listed but not loaded.</summary>
public sealed record VersionPolicy
{
    public VersionPolicyKind Kind { get; init; } = VersionPolicyKind.Latest;

    /// <summary>How many of the highest versions <see cref="VersionPolicyKind.Latest"/> loads.</summary>
    public int Latest { get; init; } = 1;

    /// <summary>The versions <see cref="VersionPolicyKind.Specific"/> loads.</summary>
    public long[] Versions { get; init; } = [];

    /// <summary>The versions of <paramref name="available"/> to load.</summary>
    public IReadOnlySet<long> Select(IEnumerable<long> available) => Kind switch
    {
        VersionPolicyKind.All => available.ToHashSet(),
        VersionPolicyKind.Specific => available.Where(Versions.Contains).ToHashSet(),
        _ => available.OrderDescending().Take(Latest).ToHashSet(),
    };

    /// <summary>Why this policy cannot be used, or null when it can.</summary>
    public string? Problem() => Kind switch
    {
        VersionPolicyKind.Latest when Latest < 1 => $"versionPolicy latest must be at least 1, not {Latest}.",
        VersionPolicyKind.Specific when Versions.Length == 0 => "versionPolicy specific needs at least one version.",
        _ => null,
    };
}
