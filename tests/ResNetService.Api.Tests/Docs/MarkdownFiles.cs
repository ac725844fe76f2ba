namespace ResNetService.Api.Tests.Docs;

/// <summary>The repository's own Markdown files: build outputs and installed packages hold copies, left out.</summary>
public static class MarkdownFiles
{
    private static readonly string[] Skipped = ["bin", "obj", "node_modules", ".git"];

    public static IEnumerable<string> Under(string root) =>
        Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
            .Where(path => !Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar).Any(Skipped.Contains))
            .Order(StringComparer.Ordinal);

    /// <summary>The checkout's root: the folder above the test's output that holds the solution file.</summary>
    public static string RepositoryRoot()
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
