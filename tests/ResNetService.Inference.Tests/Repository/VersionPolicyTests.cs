using ResNetService.Inference.Repository;

namespace ResNetService.Inference.Tests.Repository;

public sealed class VersionPolicyTests
{
    private static readonly long[] Available = [1, 2, 5, 10];

    [Fact]
    public void Latest_by_default_loads_the_highest_version_only() =>
        Assert.Equal([10L], new VersionPolicy().Select(Available).Order());

    [Fact]
    public void Latest_n_loads_the_n_highest_versions() =>
        Assert.Equal([5L, 10], new VersionPolicy { Latest = 2 }.Select(Available).Order());

    [Fact]
    public void All_loads_every_version() =>
        Assert.Equal(Available, new VersionPolicy { Kind = VersionPolicyKind.All }.Select(Available).Order());

    [Fact]
    public void Specific_loads_the_listed_versions_that_exist() =>
        Assert.Equal([2L, 5], new VersionPolicy { Kind = VersionPolicyKind.Specific, Versions = [2, 5, 7] }.Select(Available).Order());

    [Theory]
    [InlineData(VersionPolicyKind.Latest, 0, "latest must be at least 1")]
    [InlineData(VersionPolicyKind.Specific, 1, "at least one version")]
    public void Unusable_policies_say_why(VersionPolicyKind kind, int latest, string problem) =>
        Assert.Contains(problem, new VersionPolicy { Kind = kind, Latest = latest }.Problem());
}
