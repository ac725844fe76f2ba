namespace ResNetService.Deployment.Tests.Support;

/// <summary>Paths in the repository checkout the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    public static string ReadAllText(string relativePath) => File.ReadAllText(PathOf(relativePath));

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ResNetService.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No ResNetService.sln above {AppContext.BaseDirectory}.");
    }
}
