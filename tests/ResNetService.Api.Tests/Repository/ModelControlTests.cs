using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ResNetService.Api.ModelControl;
using ResNetService.Api.Models;
using ResNetService.Api.Tests.Support;
using Serilog.Events;

namespace ResNetService.Api.Tests.Repository;

/// <summary>
/// Model control as Triton's repository extension, in explicit mode: only the start-up model is loaded, the rest comes
/// and goes when asked with the key; without it, with a wrong one, or with a name that is no model folder of the root,
/// nothing is loaded or unloaded (the loader's "Loading model" lines are counted) and nothing outside the root is read.
/// </summary>
public sealed class ModelControlTests(ModelControlTests.Service service) : IClassFixture<ModelControlTests.Service>
{
    private const string Key = "control-key-for-tests";

    private HttpClient Client => service.Client;

    private RepositoryService Repository => service.Repository;

    /// <summary>
    /// One service for the class, each test with its own models: <c>good</c> (loaded at start), <c>other</c> (loaded and
    /// unloaded), <c>idle</c> (never loaded), <c>corrupt</c>, and <c>escape</c>, a link to a model outside the root.
    /// </summary>
    public sealed class Service : IAsyncLifetime
    {
        private readonly string _outside = Directory.CreateTempSubdirectory("resnet-outside-").FullName;

        public RepositoryService Repository { get; } = new();

        public HttpClient Client => Repository.Client;

        public async Task InitializeAsync()
        {
            Repository.Repository.AddVersion("good", 1, 3, ["a", "b", "c"], seed: 1);
            Repository.Repository.AddVersion("other", 1, 2, ["x", "y"], seed: 2);
            Repository.Repository.AddVersion("idle", 1, 2, ["x", "y"], seed: 4);
            Repository.Repository.Write("corrupt/1/model.onnx", "these bytes are not an ONNX model");
            using (var outside = new TestRepository())
            {
                outside.AddVersion("escape", 1, 2, ["x", "y"], seed: 3);
                Directory.Move(Path.Combine(outside.Root, "escape"), Path.Combine(_outside, "escape"));
            }

            Directory.CreateSymbolicLink(Path.Combine(Repository.Repository.Root, "escape"), Path.Combine(_outside, "escape"));
            Repository.Start(new Dictionary<string, string?>
            {
                ["ModelRepository:ControlMode"] = "Explicit",
                ["ModelRepository:StartupModels:0"] = "good",
                ["ModelControl:Key"] = Key,
                ["Serilog:MinimumLevel:Override:ResNetService.Inference.Repository"] = "Information",
                ["Serilog:MinimumLevel:Override:ResNetService.Api.ModelControl"] = "Information",
            });
            await Repository.Factory.WaitUntilReadyAsync();
        }

        public async Task DisposeAsync()
        {
            await Repository.DisposeAsync();
            Directory.Delete(_outside, recursive: true);
        }
    }

    [Fact]
    public async Task Explicit_mode_loads_the_startup_model_only_and_the_index_lists_the_folder()
    {
        var models = (await Client.GetFromJsonAsync<RepositoryResponse>("/models", Requests.Json))!;
        using var idle = await Client.PostAsync("/models/idle/classify", Requests.RawBody(TestImages.Png(1)));
        var index = await IndexAsync();

        Assert.DoesNotContain(models.Models, m => m.Name is "idle" or "escape");
        Assert.Equal([Repository.DefaultModel.Name, "good"], models.Models.Select(m => m.Name).Where(name => name == Repository.DefaultModel.Name || name == "good"));
        Assert.Equal(HttpStatusCode.NotFound, idle.StatusCode);
        Assert.Equal("not-loaded", index.Single(entry => entry.Name == "idle").State);
        Assert.Equal("ready", index.Single(entry => entry.Name == "good").State);
        Assert.Equal("ready", index.Single(entry => entry.Name == Repository.DefaultModel.Name).State);
        Assert.DoesNotContain(index, entry => entry.Name == "escape");
        Assert.Equal(["1"], index.Select(entry => entry.Version).Distinct());
    }

    [Fact]
    public async Task A_model_loads_serves_and_unloads_when_asked_and_its_caller_is_logged()
    {
        using var load = await ControlAsync("models/other/load", peer: "203.0.113.7");
        var loaded = await load.Content.ReadFromJsonAsync<RepositoryModelResponse>(Requests.Json);
        using var served = await Client.PostAsync("/models/other/classify", Requests.RawBody(TestImages.Png(2)));
        using var unload = await ControlAsync("models/other/unload");
        using var gone = await Client.PostAsync("/models/other/classify", Requests.RawBody(TestImages.Png(2)));
        var index = await IndexAsync();

        Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        Assert.Equal("1 ready", string.Join(",", loaded!.Versions.Select(v => $"{v.Version} {v.State}")));
        await Requests.EnsureSuccessAsync(served);
        Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("not-loaded", index.Single(entry => entry.Name == "other").State);
        Assert.Contains(Lines(LogEventLevel.Information), line =>
            line.Contains("POST /v2/repository/models/other/load from 203.0.113.7 answered 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_corrupt_model_fails_to_load_with_its_reason_and_the_server_stays_ready()
    {
        using var load = await ControlAsync("models/corrupt/load");
        using var ready = await Client.GetAsync("/health/ready");
        using var good = await Client.PostAsync("/models/good/classify", Requests.RawBody(TestImages.Png(3)));

        Assert.Equal(HttpStatusCode.BadRequest, load.StatusCode);
        Assert.Contains("ONNX Runtime cannot load", await ErrorAsync(load));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        await Requests.EnsureSuccessAsync(good);
        Assert.Equal("unavailable", (await IndexAsync()).Single(entry => entry.Name == "corrupt").State);
    }

    [Fact]
    public async Task The_default_model_cannot_be_unloaded_and_loading_it_reloads_it_from_its_file()
    {
        using var unload = await ControlAsync($"models/{Repository.DefaultModel.Name}/unload");
        using var load = await ControlAsync($"models/{Repository.DefaultModel.Name}/load");
        using var classify = await Client.PostAsync("/classify", Requests.RawBody(TestImages.Png(4)));

        Assert.Equal(HttpStatusCode.Conflict, unload.StatusCode);
        Assert.Contains("default model", await ErrorAsync(unload));
        Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        await Requests.EnsureSuccessAsync(classify);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("", HttpStatusCode.Unauthorized)]
    [InlineData("control-key-for-test", HttpStatusCode.Forbidden)]
    [InlineData("control-key-for-tests ", HttpStatusCode.Forbidden)]
    [InlineData("CONTROL-KEY-FOR-TESTS", HttpStatusCode.Forbidden)]
    public async Task Without_the_right_key_nothing_is_loaded_unloaded_or_listed(string? key, HttpStatusCode status)
    {
        var loadsBefore = LoadAttempts();

        using var load = await ControlAsync("models/other/load", key: key);
        using var unload = await ControlAsync("models/good/unload", key: key);
        using var index = await ControlAsync("index", key: key);

        Assert.All(new[] { load, unload, index }, response => Assert.Equal(status, response.StatusCode));
        Assert.Contains(ModelControlOptions.KeyHeader, await ErrorAsync(load));
        Assert.Equal(loadsBefore, LoadAttempts());
        await Requests.EnsureSuccessAsync(await Client.PostAsync("/models/good/classify", Requests.RawBody(TestImages.Png(5))));
        Assert.Contains(Lines(LogEventLevel.Warning), line => line.Contains("models/other/load", StringComparison.Ordinal) && line.Contains("refused", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("..", HttpStatusCode.NotFound)]       // the client resolves the dot segments: no such route
    [InlineData("%2e%2e", HttpStatusCode.NotFound)]
    [InlineData("..%2F..%2Fetc", HttpStatusCode.BadRequest)]
    [InlineData("good%2F1", HttpStatusCode.BadRequest)]
    [InlineData(".hidden", HttpStatusCode.BadRequest)]
    [InlineData("escape", HttpStatusCode.NotFound)]   // a link out of the root
    [InlineData("missing", HttpStatusCode.NotFound)]
    public async Task A_name_that_is_no_model_folder_of_the_root_loads_and_unloads_nothing(string name, HttpStatusCode status)
    {
        var loadsBefore = LoadAttempts();

        using var load = await ControlAsync($"models/{name}/load");
        using var unload = await ControlAsync($"models/{name}/unload");

        Assert.Equal(status, load.StatusCode);
        Assert.Equal(status, unload.StatusCode);
        Assert.Equal(loadsBefore, LoadAttempts());
        await Requests.EnsureSuccessAsync(await Client.PostAsync("/models/good/classify", Requests.RawBody(TestImages.Png(6))));
        Assert.DoesNotContain(await IndexAsync(), entry => entry.Name is "escape" or "missing");
    }

    /// <summary>How many times the loader began loading a model version (its Information line).</summary>
    private int LoadAttempts() => Lines(LogEventLevel.Information).Count(line => line.Contains("Loading model", StringComparison.Ordinal));

    private List<string> Lines(LogEventLevel level) => [.. Repository.Factory.Log.Events.Where(e => e.Level >= level).Select(e => e.RenderMessage().Replace("\"", ""))];

    private async Task<HttpResponseMessage> ControlAsync(string path, string? key = Key, string? peer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/repository/{path}");
        if (key is not null)
        {
            request.Headers.Add(ModelControlOptions.KeyHeader, key);
        }

        if (peer is not null)
        {
            request.Headers.Add(PeerAddress.Header, peer);
        }

        return await Client.SendAsync(request);
    }

    private async Task<List<ModelControlEndpoints.IndexEntry>> IndexAsync()
    {
        using var response = await ControlAsync("index");
        await Requests.EnsureSuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<List<ModelControlEndpoints.IndexEntry>>(Requests.Json))!;
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
}
