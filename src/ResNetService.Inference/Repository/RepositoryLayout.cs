using System.Globalization;
using System.Text.RegularExpressions;

namespace ResNetService.Inference.Repository;

/// <summary>One version folder: <c>&lt;name&gt;/&lt;version&gt;/model.onnx</c>.</summary>
public sealed record VersionFolder(long Version, string ModelPath);

/// <summary>One model folder and the version folders in it that hold a model file, lowest version first.</summary>
public sealed record ModelFolder(string Name, string Path, IReadOnlyList<VersionFolder> Versions);

/// <summary>Reads the layout of a model repository; the folder is the only truth, nothing is cached.</summary>
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
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The model repository {root} does not exist (ModelRepository:Root).");
        }

        return
        [
            .. Directory.EnumerateDirectories(root)
                .Where(folder => IsModelName(System.IO.Path.GetFileName(folder)))
                .Select(folder => new ModelFolder(System.IO.Path.GetFileName(folder), folder, Versions(folder)))
                .Where(model => model.Versions.Count > 0)
                .OrderBy(model => model.Name, StringComparer.Ordinal),
        ];
    }

    public static bool IsModelName(string name) => ModelName().IsMatch(name);

    private static IReadOnlyList<VersionFolder> Versions(string modelFolder) =>
    [
        .. Directory.EnumerateDirectories(modelFolder)
            .Select(folder => (Folder: folder, Name: System.IO.Path.GetFileName(folder)))
            .Where(entry => entry.Name.All(char.IsAsciiDigit)
                && long.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
                && File.Exists(System.IO.Path.Combine(entry.Folder, ModelFileName)))
            .Select(entry => new VersionFolder(long.Parse(entry.Name, CultureInfo.InvariantCulture), System.IO.Path.Combine(entry.Folder, ModelFileName)))
            .OrderBy(version => version.Version),
    ];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex ModelName();
}
