namespace ResNetService.TestSupport;

/// <summary>The repository checkout the tests run from, and its own files (build outputs and installed packages hold copies).</summary>
public static class Checkout
{
    private static readonly string[] CopyFolders = ["bin", "obj", "node_modules", ".git"];

    /// <summary>The folder above the test's output that holds the solution file.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The files under <paramref name="root"/> that match <paramref name="pattern"/>, outside bin/, obj/, node_modules/ and .git/, in ordinal order.</summary>
    public static IReadOnlyList<string> Files(string root, string pattern) =>
        Directory.EnumerateFiles(root, pattern, SearchOption.AllDirectories)
            .Where(file => !Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar).SkipLast(1).Any(CopyFolders.Contains))
            .Order(StringComparer.Ordinal)
            .ToList();

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
