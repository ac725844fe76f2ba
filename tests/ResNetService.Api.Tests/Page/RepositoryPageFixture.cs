using ResNetService.Api.ModelControl;
using ResNetService.Api.Tests.Repository;
using ResNetService.Api.Tests.Support;
using ResNetService.Onnx.Graph;
using ResNetService.TestSupport;

namespace ResNetService.Api.Tests.Page;

/// <summary>
/// The page on a service with a model repository beside the default test model (explicit control mode, so that a test
/// can load and unload with the key): <c>letters</c> (26 classes a to z, versions 1 and 2, both served), <c>small-int8</c>
/// (three classes, quantized by this project's quantizer) and <c>spare</c> (two classes, not loaded at start: the test
/// that takes it away loads it first).
/// </summary>
public sealed class RepositoryPageFixture : PageFixture
{
    public const string ControlKey = "page-tests-control-key";
    public const string Letters = "letters", Int8 = "small-int8", Spare = "spare";
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
        return new ServiceFactory(Model.Path, new Dictionary<string, string?>
        {
            ["ModelRepository:Root"] = _repository.Root,
            ["ModelRepository:ControlMode"] = "Explicit",
            ["ModelRepository:StartupModels:0"] = Letters,
            ["ModelRepository:StartupModels:1"] = Int8,
            ["ModelControl:Key"] = ControlKey,
        });
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _repository.Dispose();
    }
}
