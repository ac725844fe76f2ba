using System.Text.Json;
using ResNetService.Inference.Model;
using ResNetService.Inference.Preprocessing;
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
        RandomResNetModel.Write(
            Path,
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
            seed: 11,
            imageSize: ImageSize);
    }

    public string Folder { get; }

    public string Path { get; }

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
