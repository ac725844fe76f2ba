using System.Net;
using System.Net.Http.Json;
using ResNetService.Api.Classification;
using ResNetService.Api.Models;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Repository;

/// <summary>
/// The repository folder and the default model's file are read again every 200 ms: new files, new versions, refused
/// files and removed models take effect while clients keep sending requests, no request fails on the way, and no bad
/// file takes the server out of readiness.
/// </summary>
public sealed class HotReloadTests : IAsyncLifetime
{
    private static readonly string[] Labels = ["left", "middle", "right"];
    private readonly RepositoryService _service = new();
    private readonly byte[] _image = TestImages.Png(7);

    private TestRepository Repository => _service.Repository;

    private HttpClient Client => _service.Client;

    public async Task InitializeAsync()
    {
        Repository.AddVersion("live", 1, Labels.Length, Labels, seed: 1);
        _service.Start(new Dictionary<string, string?>
        {
            ["ModelRepository:PollInterval"] = "00:00:00.2",
            ["ModelRepository:SettleTime"] = "00:00:00.3",
        });
        await _service.Factory.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Reloads_under_concurrent_load_fail_no_request_and_switch_the_answers()
    {
        var first = await AnswerAsync("/models/live/classify");
        using var load = new ConcurrentLoad(Client, "/models/live/classify", _image, clients: 4);

        // 1. The file of version 1 is replaced: version 1 answers with the new weights.
        Repository.ReplaceVersion("live", 1, Labels.Length, Labels, seed: 2);
        var second = await WaitForNewAnswerAsync("/models/live/classify", first);

        // 2. Version 2 arrives: the latest-one policy serves it and unloads version 1.
        Repository.AddVersion("live", 2, Labels.Length, Labels, seed: 3);
        var third = await WaitForNewAnswerAsync("/models/live/classify", second);
        await RepositoryService.WaitUntilAsync(async () => await StateAsync("live", 1) == "not-loaded");

        // 3. A corrupt file over version 2 is refused; the session already loaded keeps answering.
        Repository.Write(".staging-corrupt", "not an ONNX model");
        File.Move(Path.Combine(Repository.Root, ".staging-corrupt"), Path.Combine(Repository.Root, "live", "2", "model.onnx"), overwrite: true);
        await RepositoryService.WaitUntilAsync(async () => (await VersionAsync("live", 2)).Reason is not null);
        Assert.Equal("ready", await StateAsync("live", 2));
        Assert.Contains("a new file was refused, the previous one still serves", (await VersionAsync("live", 2)).Reason);
        Assert.Equal(third, await AnswerAsync("/models/live/classify"));
        await AssertReadyAsync();

        var answers = await load.StopAsync();
        Assert.Empty(answers.Where(answer => answer.Status != HttpStatusCode.OK).Select(answer => $"{answer.Status}: {answer.Body}"));
        Assert.All(answers, answer => Assert.Contains(answer.Probabilities, new[] { first, second, third }, ProbabilitiesComparer.Instance));
        Assert.Equal(first, answers[0].Probabilities, ProbabilitiesComparer.Instance);
        Assert.Equal(third, answers[^1].Probabilities, ProbabilitiesComparer.Instance);
        Assert.NotEqual(first, second, ProbabilitiesComparer.Instance);
        Assert.NotEqual(second, third, ProbabilitiesComparer.Instance);
    }

    [Fact]
    public async Task The_default_model_reloads_under_load_with_no_failed_request_and_a_corrupt_file_leaves_it_serving()
    {
        var first = await AnswerAsync("/classify");
        using var load = new ConcurrentLoad(Client, "/classify", _image, clients: 4);

        _service.DefaultModel.Replace(seed: 12);
        var second = await WaitForNewAnswerAsync("/classify", first);
        _service.DefaultModel.Corrupt();
        await RepositoryService.WaitUntilAsync(async () => (await VersionAsync(_service.DefaultModel.Name, 1)).Reason is not null);
        await AssertReadyAsync();
        Assert.Equal(second, await AnswerAsync("/classify"));
        Assert.Equal(second, await AnswerAsync($"/models/{_service.DefaultModel.Name}/versions/1/classify"));

        var answers = await load.StopAsync();
        Assert.Empty(answers.Where(answer => answer.Status != HttpStatusCode.OK).Select(answer => $"{answer.Status}: {answer.Body}"));
        Assert.All(answers, answer => Assert.Contains(answer.Probabilities, new[] { first, second }, ProbabilitiesComparer.Instance));
        Assert.Equal(second, answers[^1].Probabilities, ProbabilitiesComparer.Instance);
        var model = (await Client.GetFromJsonAsync<RepositoryModelResponse>($"/models/{_service.DefaultModel.Name}", Requests.Json))!;
        Assert.True(model.Default);
        Assert.Equal([1L], model.Versions.Select(v => v.Version));
        Assert.Contains("a new file was refused, the previous one still serves", model.Versions[0].Reason);
    }

    [Fact]
    public async Task A_corrupt_new_model_is_shown_unavailable_while_the_server_stays_ready_and_the_others_serve()
    {
        Repository.Write("broken/1/model.onnx", "not an ONNX model");
        await RepositoryService.WaitUntilAsync(async () => (await Client.GetAsync("/models/broken")).IsSuccessStatusCode
            && await StateAsync("broken", 1) == "unavailable");

        await AssertReadyAsync();
        using var v2Ready = await Client.GetAsync("/v2/models/broken/ready");
        using var broken = await Client.PostAsync("/models/broken/classify", Requests.RawBody(_image));
        Assert.Equal(HttpStatusCode.BadRequest, v2Ready.StatusCode); // the protocol's "not ready"
        Assert.Equal(HttpStatusCode.ServiceUnavailable, broken.StatusCode);
        await AnswerAsync("/models/live/classify");
        await AnswerAsync("/classify");
    }

    [Fact]
    public async Task A_new_model_folder_is_served_and_a_removed_one_answers_404()
    {
        Repository.AddVersion("later", 4, Labels.Length, Labels, seed: 4);
        await RepositoryService.WaitUntilAsync(async () => (await Client.PostAsync("/models/later/classify", Requests.RawBody(_image))).IsSuccessStatusCode);

        Directory.Delete(Path.Combine(Repository.Root, "later"), recursive: true);
        await RepositoryService.WaitUntilAsync(async () => (await Client.GetAsync("/models/later")).StatusCode == HttpStatusCode.NotFound);

        using var response = await Client.PostAsync("/models/later/classify", Requests.RawBody(_image));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemKinds.ModelNotFound.Type, (await response.ReadProblemAsync()).Type);
    }

    private async Task AssertReadyAsync()
    {
        using var ready = await Client.GetAsync("/health/ready");
        using var v2 = await Client.GetAsync("/v2/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, v2.StatusCode);
    }

    private async Task<float[]> AnswerAsync(string path)
    {
        using var response = await Client.PostAsync(path, Requests.RawBody(_image));
        await Requests.EnsureSuccessAsync(response);
        return ConcurrentLoad.Probabilities((await response.Content.ReadFromJsonAsync<ClassificationResponse>(Requests.Json))!);
    }

    private async Task<float[]> WaitForNewAnswerAsync(string path, float[] old)
    {
        float[] answer = old;
        await RepositoryService.WaitUntilAsync(async () => !ProbabilitiesComparer.Instance.Equals(answer = await AnswerAsync(path), old));
        return answer;
    }

    private async Task<ModelVersionResponse> VersionAsync(string name, long version) =>
        (await Client.GetFromJsonAsync<RepositoryModelResponse>($"/models/{name}", Requests.Json))!.Versions.Single(v => v.Version == version);

    private async Task<string> StateAsync(string name, long version) => (await VersionAsync(name, version)).State;
}
