using ResNetService.TestSupport;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>Paths in the repository checkout the tests run from.</summary>
public static class Repository
{
    public static string Root => Checkout.Root;

    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    public static string ReadAllText(string relativePath) => File.ReadAllText(PathOf(relativePath));
}
