using System.Text.Json;
using ResNetService.Onnx.ModelFile;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Api.Tests.Repository;

/// <summary>
/// A model repository in a temp folder, laid out as Triton's: <c>&lt;name&gt;/&lt;version&gt;/model.onnx</c>, with
/// <c>config.json</c> and <c>labels.txt</c> where a test wants them, and things that are not models beside them.
/// Every model is a small random-weight ResNet-18 at 32x32; another seed per version gives other answers.
/// </summary>
public sealed class TestRepository : IDisposable
{
    public const int ImageSize = 32;

    public string Root { get; } = Directory.CreateTempSubdirectory("resnet-repository-").FullName;

    /// <summary>Writes version <paramref name="version"/> of <paramref name="name"/>; labels in its metadata unless null.</summary>
    public string AddVersion(string name, long version, int classes, string[]? labels = null, int seed = 0)
    {
        var metadata = new Dictionary<string, string>
        {
            [ModelMetadataKeys.ImageSize] = ImageSize.ToString(),
            [ModelMetadataKeys.ResizeMode] = ResizeModes.Direct,
            [ModelMetadataKeys.Mean] = "[0.5,0.5,0.5]",
            [ModelMetadataKeys.Std] = "[0.25,0.25,0.25]",
        };
        if (labels is not null)
        {
            metadata[ModelMetadataKeys.Labels] = JsonSerializer.Serialize(labels);
        }

        var path = Path.Combine(Root, name, version.ToString(), "model.onnx");
        RandomResNetModel.Write(path, new ResNetConfig(ResNetArchitecture.ResNet18, classes), metadata, seed, ImageSize);
        return path;
    }

    /// <summary>
    /// Replaces version <paramref name="version"/> as an operator should: written beside it under another name, then
    /// renamed over it in one step, so that the service never sees half a file.
    /// </summary>
    public void ReplaceVersion(string name, long version, int classes, string[]? labels, int seed)
    {
        var target = Path.Combine(Root, name, version.ToString(), "model.onnx");
        var staging = Path.Combine(Root, $".staging-{name}-{version}-{seed}");
        var written = AddVersion(staging, 1, classes, labels, seed);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(written, target, overwrite: true);
        Directory.Delete(Path.Combine(Root, staging), recursive: true);
    }

    public void Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere: the temp folder is cleaned by the system eventually.
        }
    }
}
