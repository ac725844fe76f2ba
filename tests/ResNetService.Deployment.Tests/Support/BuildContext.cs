namespace ResNetService.Deployment.Tests.Support;

/// <summary>The files `docker build` sends to the builder: what .dockerignore lets in, without build output.</summary>
public static class BuildContext
{
    private static readonly string[] BuildOutputFolders = ["bin", "obj"];

    /// <summary>The repository paths the .dockerignore allow-list brings back after excluding everything.</summary>
    public static IReadOnlyList<string> IncludedPaths =>
        File.ReadAllLines(Repository.PathOf(".dockerignore"))
            .Where(line => line.StartsWith('!'))
            .Select(line => line[1..].Trim().TrimEnd('/'))
            .ToList();

    public static void CopyTo(string destination)
    {
        foreach (var path in IncludedPaths)
        {
            var source = Repository.PathOf(path);
            if (File.Exists(source))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(destination, path))!);
                File.Copy(source, Path.Combine(destination, path));
            }
            else if (Directory.Exists(source))
            {
                CopyFolder(source, Path.Combine(destination, path));
            }
        }
    }

    private static void CopyFolder(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.GetDirectories(source).Where(f => !BuildOutputFolders.Contains(Path.GetFileName(f))))
        {
            CopyFolder(folder, Path.Combine(destination, Path.GetFileName(folder)));
        }
    }
}
