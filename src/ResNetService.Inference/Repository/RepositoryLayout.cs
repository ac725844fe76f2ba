using System.Globalization;
using System.Text.RegularExpressions;

namespace ResNetService.Inference.Repository;

/// <summary>One version folder: <c>&lt;name&gt;/&lt;version&gt;/model.onnx</c>.</summary>
public sealed record VersionFolder(long Version, string ModelPath);

/// <summary>One model folder and the version folders in it that hold a model file, lowest version first.</summary>
public sealed record ModelFolder(string Name, string Path, IReadOnlyList<VersionFolder> Versions);

/// <summary>
/// Reads the layout of a model repository; the folder is the only truth, nothing is cached. Nothing outside the root is
/// read: a model folder, version folder or model file that is a link leading out of the root is not part of it.
/// </summary>
public static partial class RepositoryLayout
{
    public const string ModelFileName = "model.onnx";
    public const string LabelsFileName = "labels.txt";

    /// <summary>
    /// The model folders under <paramref name="root"/>. A model folder is named with letters, digits, '.', '_' or '-';
    /// its versions are folders named by a positive whole number that hold <c>model.onnx</c>. Anything else (files,
    /// other folders, hidden ones) is not a model or a version and is left alone, so the repository may sit beside
    /// other folders.
    /// </summary>
    public static IReadOnlyList<ModelFolder> Scan(string root)
    {
        var realRoot = RealRoot(root);
        return
        [
            .. Directory.EnumerateDirectories(root)
                .Select(folder => Read(root, realRoot, System.IO.Path.GetFileName(folder)))
                .OfType<ModelFolder>()
                .OrderBy(model => model.Name, StringComparer.Ordinal),
        ];
    }

    /// <summary>
    /// The model folder <paramref name="name"/> under <paramref name="root"/>, or null when the name is not a model's,
    /// there is no such folder, it holds no version, or it leads out of the root.
    /// </summary>
    public static ModelFolder? Find(string root, string name) => IsModelName(name) ? Read(root, RealRoot(root), name) : null;

    public static bool IsModelName(string name) => ModelName().IsMatch(name);

    private static ModelFolder? Read(string root, string realRoot, string name)
    {
        var folder = System.IO.Path.Combine(root, name);
        if (!IsModelName(name) || !Directory.Exists(folder) || Inside(realRoot, realRoot, folder) is not { } realFolder)
        {
            return null;
        }

        var versions = Versions(realRoot, realFolder, folder);
        return versions.Count > 0 ? new ModelFolder(name, folder, versions) : null;
    }

    private static List<VersionFolder> Versions(string realRoot, string realModelFolder, string modelFolder) =>
    [
        .. Directory.EnumerateDirectories(modelFolder)
            .Select(folder => (Folder: folder, Name: System.IO.Path.GetFileName(folder)))
            .Where(entry => entry.Name.All(char.IsAsciiDigit)
                && long.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0)
            .Select(entry => (entry.Folder, entry.Name, Real: Inside(realRoot, realModelFolder, entry.Folder)))
            .Where(entry => entry.Real is not null
                && File.Exists(System.IO.Path.Combine(entry.Folder, ModelFileName))
                && Inside(realRoot, entry.Real, System.IO.Path.Combine(entry.Folder, ModelFileName)) is not null)
            .Select(entry => new VersionFolder(long.Parse(entry.Name, CultureInfo.InvariantCulture), System.IO.Path.Combine(entry.Folder, ModelFileName)))
            .OrderBy(version => version.Version),
    ];

    private static string RealRoot(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The model repository {root} does not exist (ModelRepository:Root).");
        }

        return Target(new DirectoryInfo(root)) ?? System.IO.Path.GetFullPath(root);
    }

    /// <summary>
    /// Where <paramref name="path"/>, a direct child of the folder whose real path is <paramref name="realParent"/>,
    /// really is; null when a link takes it out of <paramref name="realRoot"/>.
    /// </summary>
    private static string? Inside(string realRoot, string realParent, string path)
    {
        FileSystemInfo entry = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        var real = Target(entry) ?? System.IO.Path.Combine(realParent, entry.Name);
        return real.StartsWith(System.IO.Path.TrimEndingDirectorySeparator(realRoot) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? real
            : null;
    }

    /// <summary>The final target of a link, as a full path; null when <paramref name="entry"/> is no link.</summary>
    private static string? Target(FileSystemInfo entry) =>
        entry.LinkTarget is null ? null : System.IO.Path.GetFullPath((entry.ResolveLinkTarget(returnFinalTarget: true) ?? entry).FullName);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex ModelName();
}
