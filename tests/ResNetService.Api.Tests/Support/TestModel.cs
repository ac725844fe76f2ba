using System.Text.Json;
using ResNetService.Onnx.ModelFile;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Api.Tests.Support;

/// <summary>A small random-weight ResNet-18 (64x64 input, five labelled classes) written to a temp folder.</summary>
public sealed class TestModel : IDisposable
{
    public const int ImageSize = 64;
    public const string Dataset = "test-shapes";
    public static readonly string[] Labels = ["circle", "square", "triangle", "star", "ring"];

    public TestModel()
    {
        Folder = Directory.CreateTempSubdirectory("resnet-api-tests-").FullName;
        Path = System.IO.Path.Combine(Folder, "test-model.onnx");
        Write(Path, seed: 11);
    }

    public string Folder { get; }

    public string Path { get; }

    /// <summary>The name the service gives it: the file's stem.</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>
    /// Puts a model with other weights (from <paramref name="seed"/>) in place of the file, as an operator would: written
    /// beside it, then renamed over it, so that a reader never sees half a file.
    /// </summary>
    public void Replace(int seed)
    {
        var staging = System.IO.Path.Combine(Folder, $".staging-{seed}.onnx");
        Write(staging, seed);
        File.Move(staging, Path, overwrite: true);
    }

    /// <summary>Puts bytes that are no ONNX model in place of the file (renamed over it).</summary>
    public void Corrupt()
    {
        var staging = System.IO.Path.Combine(Folder, ".staging-corrupt");
        File.WriteAllText(staging, "these bytes are not an ONNX model");
        File.Move(staging, Path, overwrite: true);
    }

    private static void Write(string path, int seed) =>
        RandomResNetModel.Write(
            path,
            new ResNetConfig(ResNetArchitecture.ResNet18, Labels.Length),
            new Dictionary<string, string>
            {
                [ModelMetadataKeys.Labels] = JsonSerializer.Serialize(Labels),
                [ModelMetadataKeys.ImageSize] = ImageSize.ToString(),
                [ModelMetadataKeys.ResizeMode] = ResizeModes.Direct,
                [ModelMetadataKeys.Mean] = "[0.5,0.5,0.5]",
                [ModelMetadataKeys.Std] = "[0.25,0.25,0.25]",
                [ModelMetadataKeys.ColorMode] = ColorModes.Rgb,
                [ModelMetadataKeys.Architecture] = ResNetArchitecture.ResNet18.Name,
                [ModelMetadataKeys.Dataset] = Dataset,
            },
            seed,
            imageSize: ImageSize);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere: the temp folder is cleaned by the system eventually.
        }
    }
}
