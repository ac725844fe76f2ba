using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ResNetService.Api.Models;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Repository;

/// <summary>
/// A repository where one model file is corrupt and one config.json is wrong, found at start: those two are shown as
/// unavailable with the reason, readiness stays 200 (degraded, naming them) because the default model serves, and the
/// good model serves.
/// </summary>
public sealed class BrokenRepositoryTests : IAsyncLifetime
{
    private readonly RepositoryService _service = new();

    private HttpClient Client => _service.Client;

    public async Task InitializeAsync()
    {
        var repository = _service.Repository;
        repository.AddVersion("good", 1, 3, ["a", "b", "c"]);
        repository.Write("corrupt/1/model.onnx", "these bytes are not an ONNX model");
        repository.AddVersion("misconfigured", 1, 3, ["a", "b", "c"]);
        repository.Write("misconfigured/config.json", """{ "versionPolicy": { "kind": "latest", "latest": 0 } }""");
        _service.Start();
        await _service.Factory.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Readiness_stays_ok_and_names_the_models_that_cannot_serve()
    {
        using var response = await Client.GetAsync("/health/ready");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var repository = body.RootElement.GetProperty("checks").GetProperty("repository");
        Assert.Equal("Degraded", repository.GetProperty("status").GetString());
        Assert.Contains("corrupt", repository.GetProperty("description").GetString());
        var models = repository.GetProperty("data");
        Assert.Contains("unavailable", models.GetProperty("corrupt").GetString());
        Assert.Contains("latest must be at least 1", models.GetProperty("misconfigured").GetString());
        Assert.Equal("1: ready", models.GetProperty("good").GetString());
    }

    [Fact]
    public async Task The_listing_says_why_and_the_good_model_serves()
    {
        var repository = (await Client.GetFromJsonAsync<RepositoryResponse>("/models", Requests.Json))!;
        using var good = await Client.PostAsync("/models/good/classify", Requests.RawBody(TestImages.Png(1)));

        Assert.True(repository.Ready);
        Assert.Equal([true, false, true, false], repository.Models.Select(m => m.Ready)); // default, corrupt, good, misconfigured
        Assert.Contains("ONNX Runtime cannot load", repository.Models.Single(m => m.Name == "corrupt").Versions[0].Reason);
        Assert.Contains("config.json", repository.Models.Single(m => m.Name == "misconfigured").Reason);
        await Requests.EnsureSuccessAsync(good);
    }

    [Theory]
    [InlineData("/models/corrupt/classify")]
    [InlineData("/models/misconfigured/classify")]
    public async Task A_model_that_cannot_serve_answers_503_not_ready(string path)
    {
        using var response = await Client.PostAsync(path, Requests.RawBody(TestImages.Png(2)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(ProblemKinds.NotReady.Type, (await response.ReadProblemAsync()).Type);
    }
}
