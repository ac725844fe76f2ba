using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ResNetService.Api.Models;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Repository;

/// <summary>
/// A repository where one model file is corrupt and one config.json is wrong: those two are shown as unavailable with
/// the reason, readiness stays false and names them (strict readiness, as Triton's), and the good model serves.
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
        // Done loading: all three listed and no version still loading (readiness itself never comes).
        await RepositoryService.WaitUntilAsync(async () =>
        {
            var models = (await Client.GetFromJsonAsync<RepositoryResponse>("/models", Requests.Json))!.Models;
            return models.Count == 4 && models.SelectMany(m => m.Versions).All(v => v.State != "loading");
        });
    }

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Readiness_is_false_and_names_the_models_that_cannot_serve()
    {
        using var response = await Client.GetAsync("/health/ready");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var models = body.RootElement.GetProperty("checks").GetProperty("repository").GetProperty("data");
        Assert.Contains("unavailable", models.GetProperty("corrupt").GetString());
        Assert.Contains("latest must be at least 1", models.GetProperty("misconfigured").GetString());
        Assert.Equal("1: ready", models.GetProperty("good").GetString());
    }

    [Fact]
    public async Task The_listing_says_why_and_the_good_model_serves()
    {
        var repository = (await Client.GetFromJsonAsync<RepositoryResponse>("/models", Requests.Json))!;
        using var good = await Client.PostAsync("/models/good/classify", Requests.RawBody(TestImages.Png(1)));

        Assert.False(repository.Ready);
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
