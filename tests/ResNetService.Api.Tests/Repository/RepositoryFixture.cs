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

    public TestModel DefaultModel { get; } = new();

    public TestRepository Repository { get; } = new();

    public ServiceFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Repository.AddVersion("shapes", 1, 3, ShapeLabels, seed: 1);
        Repository.AddVersion("shapes", 2, 3, ShapeLabels, seed: 2);
        Repository.AddVersion("digits", 1, 4, labels: null, seed: 3);
        Repository.AddVersion("digits", 3, 4, labels: null, seed: 4);
        Repository.Write("digits/config.json", """{ "versionPolicy": { "kind": "specific", "versions": [1] }, "maxBatchSize": 2 }""");
        Repository.Write("digits/labels.txt", string.Join('\n', DigitLabels));
        Repository.AddVersion("pairs", 1, 2, ["left", "right"], seed: 5);
        Repository.AddVersion("pairs", 2, 2, ["left", "right"], seed: 6);
        Repository.Write("pairs/config.json", """{ "versionPolicy": { "kind": "all" } }""");
        Repository.Write("samples/readme.txt", "not a model");
        Repository.Write("notes.txt", "not a model either");
        Repository.Write("shapes/latest/readme.txt", "not a version");

        Factory = new ServiceFactory(DefaultModel.Path, new Dictionary<string, string?> { ["ModelRepository:Root"] = Repository.Root });
        await Factory.WaitUntilReadyAsync();
        Client = Factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        Repository.Dispose();
        DefaultModel.Dispose();
    }
}
