using System.Globalization;
using ResNetService.Api.ModelControl;
using ResNetService.Api.Tests.Repository;
using ResNetService.Api.Tests.Support;
using ResNetService.Onnx.Graph;
using ResNetService.Onnx.ModelFile;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Api.Tests.Page;

/// <summary>
/// The page on a service with a model repository beside the default test model (explicit control mode, so that a test
/// can load and unload with the key): <c>letters</c> (26 classes a to z, versions 1 and 2, both served), <c>small-int8</c>
/// (three classes, quantized by this project's quantizer), <c>no-embedding</c> (two classes after 2x2 average pooling
/// rather than a global one: it classifies but has no embedding) and <c>spare</c> (two classes, not loaded at start: the
/// test that takes it away loads it first).
/// </summary>
public sealed class RepositoryPageFixture : PageFixture
{
    public const string ControlKey = "page-tests-control-key";
    public const string Letters = "letters", Int8 = "small-int8", NoEmbedding = "no-embedding", Spare = "spare";
    public static readonly string[] LetterLabels = [.. Enumerable.Range('a', 26).Select(letter => ((char)letter).ToString())];
    public static readonly string[] Int8Labels = ["red", "green", "blue"];

    private readonly TestRepository _repository = new();

    /// <summary>A request to the model-control API, with the key.</summary>
    public HttpRequestMessage Control(string path) =>
        new(HttpMethod.Post, path) { Headers = { { ModelControlOptions.KeyHeader, ControlKey } } };

    protected override ServiceFactory CreateService()
    {
        _repository.AddVersion(Letters, 1, LetterLabels.Length, LetterLabels, seed: 21);
        _repository.AddVersion(Letters, 2, LetterLabels.Length, LetterLabels, seed: 22);
        _repository.Write($"{Letters}/config.json", """{ "versionPolicy": { "kind": "all" } }""");
        var int8 = _repository.AddVersion(Int8, 1, Int8Labels.Length, Int8Labels, seed: 23);
        OnnxModelFile.Write(Int8Models.Quantize(OnnxModelFile.Read(int8), TestRepository.ImageSize, reduceRange: true), int8);
        _repository.AddVersion(Spare, 1, 2, ["yes", "no"], seed: 24);
        WriteWithoutEmbedding(Path.Combine(_repository.Root, NoEmbedding, "1", "model.onnx"));
        return new ServiceFactory(Model.Path, new Dictionary<string, string?>
        {
            ["ModelRepository:Root"] = _repository.Root,
            ["ModelRepository:ControlMode"] = "Explicit",
            ["ModelRepository:StartupModels:0"] = Letters,
            ["ModelRepository:StartupModels:1"] = Int8,
            ["ModelRepository:StartupModels:2"] = NoEmbedding,
            ["ModelControl:Key"] = ControlKey,
        });
    }

    /// <summary>The SIGNS tutorial's head (2x2 average pooling, then the dense layer) needs a 64-pixel input.</summary>
    private static void WriteWithoutEmbedding(string path)
    {
        const int imageSize = 64;
        var metadata = new Dictionary<string, string>
        {
            [ModelMetadataKeys.ImageSize] = imageSize.ToString(CultureInfo.InvariantCulture),
            [ModelMetadataKeys.ResizeMode] = ResizeModes.Direct,
            [ModelMetadataKeys.Labels] = """["left","right"]""",
        };
        var config = new ResNetConfig(ResNetArchitecture.ResNet18, 2, Head: ResNetHead.AveragePool2, ImageSize: imageSize);
        RandomResNetModel.Write(path, config, metadata, seed: 25, imageSize: imageSize);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _repository.Dispose();
    }
}
