using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Repository;

/// <summary>
/// The service with the usual default model and a repository of three models:
/// <c>shapes</c> (versions 1 and 2, default policy: latest one), <c>digits</c> (versions 1 and 3, config.json: specific
/// [1], max batch 2, labels.txt), <c>pairs</c> (versions 1 and 2, config.json: all). Beside them: a samples folder, a
/// stray file and a non-numeric version folder, none of which is a model.
/// </summary>
public sealed class RepositoryFixture : IAsyncLifetime
{
    public static readonly string[] ShapeLabels = ["circle", "square", "triangle"];
    public static readonly string[] DigitLabels = ["zero", "one", "two", "three"];

    private readonly RepositoryService _service = new();

    public HttpClient Client => _service.Client;

    /// <summary>The repository folder, whose files the tests run by themselves to know each version's own answer.</summary>
    public string Root => _service.Repository.Root;

    public async Task InitializeAsync()
    {
        var repository = _service.Repository;
        repository.AddVersion("shapes", 1, 3, ShapeLabels, seed: 1);
        repository.AddVersion("shapes", 2, 3, ShapeLabels, seed: 2);
        repository.AddVersion("digits", 1, 4, labels: null, seed: 3);
        repository.AddVersion("digits", 3, 4, labels: null, seed: 4);
        repository.Write("digits/config.json", """{ "versionPolicy": { "kind": "specific", "versions": [1] }, "maxBatchSize": 2 }""");
        repository.Write("digits/labels.txt", string.Join('\n', DigitLabels));
        repository.AddVersion("pairs", 1, 2, ["left", "right"], seed: 5);
        repository.AddVersion("pairs", 2, 2, ["left", "right"], seed: 6);
        repository.Write("pairs/config.json", """{ "versionPolicy": { "kind": "all" } }""");
        repository.Write("samples/readme.txt", "not a model");
        repository.Write("notes.txt", "not a model either");
        repository.Write("shapes/latest/readme.txt", "not a version");

        _service.Start();
        await _service.Factory.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _service.DisposeAsync();
}
