using System.Net.Http.Json;
using ResNetService.Api.Models;
using ResNetService.Api.Tests.Support;
using ResNetService.Inference.Model;
using ResNetService.Onnx.ModelFile;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Api.Tests;

/// <summary>
/// A 1000-class model without labels, in a folder of its own outside models/, is answered with the ImageNet names the
/// service ships; <c>Model:ImageNetLabelsPath</c> still chooses another list.
/// </summary>
public sealed class ImageNetLabelsTests : IDisposable
{
    private const int ImageSize = 32;

    private readonly string _folder = Directory.CreateTempSubdirectory("resnet-imagenet-labels-").FullName;
    private readonly string _modelPath;

    public ImageNetLabelsTests()
    {
        _modelPath = Path.Combine(_folder, "unlabelled-imagenet.onnx");
        RandomResNetModel.Write(_modelPath, new ResNetConfig(ResNetArchitecture.ResNet18, 1000),
            new Dictionary<string, string> { [ModelMetadataKeys.ImageSize] = ImageSize.ToString() }, seed: 21, imageSize: ImageSize);
    }

    [Fact]
    public async Task A_model_outside_models_gets_the_shipped_imagenet_names()
    {
        var shipped = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "models", ModelSettingsResolver.ImageNetLabelsFileName));
        await using var factory = new ServiceFactory(_modelPath);
        await factory.WaitUntilReadyAsync();
        using var client = factory.CreateClient();

        var info = (await client.GetFromJsonAsync<ModelInfoResponse>("/model", Requests.Json))!;
        var answer = await client.ClassifyAsync(TestImages.Png(7), top: 3);

        Assert.False(File.Exists(Path.Combine(_folder, ModelSettingsResolver.ImageNetLabelsFileName)));
        Assert.Equal(1000, info.Labels.Count);
        Assert.Equal("tench", info.Labels[0]);
        Assert.Equal(shipped, info.Labels);
        Assert.Equal("default", info.SettingSources[ModelMetadataKeys.Labels]);
        Assert.All(answer.Predictions, p => Assert.Equal(shipped[p.Index], p.Label));
    }

    [Fact]
    public async Task The_imagenet_labels_path_setting_still_wins()
    {
        var custom = Path.Combine(_folder, "names.txt");
        await File.WriteAllLinesAsync(custom, Enumerable.Range(0, 1000).Select(i => $"kind {i}"));
        await using var factory = new ServiceFactory(_modelPath, new Dictionary<string, string?> { ["Model:ImageNetLabelsPath"] = custom });
        await factory.WaitUntilReadyAsync();
        using var client = factory.CreateClient();

        var info = (await client.GetFromJsonAsync<ModelInfoResponse>("/model", Requests.Json))!;

        Assert.Equal("kind 0", info.Labels[0]);
        Assert.Equal("kind 999", info.Labels[999]);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere: the temp folder is cleaned by the system eventually.
        }
    }
}
