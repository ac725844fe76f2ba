using System.Net;
using System.Text.Json;
using ResNetService.Api.ModelControl;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Repository;

/// <summary>Model control off (no key configured) and in poll mode, where the folder alone decides what is loaded.</summary>
public sealed class ModelControlModesTests
{
    [Fact]
    public async Task Without_a_configured_key_every_call_is_refused_and_says_how_to_turn_it_on()
    {
        using var model = new TestModel();
        await using var service = new ServiceFactory(model.Path);
        using var client = service.CreateClient();

        foreach (var path in new[] { "index", $"models/{model.Name}/load", $"models/{model.Name}/unload" })
        {
            using var response = await PostAsync(client, path, key: "anything");

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("ModelControl:Key", await ErrorAsync(response));
        }
    }

    [Fact]
    public async Task In_poll_mode_load_and_unload_conflict_and_the_index_answers()
    {
        using var model = new TestModel();
        await using var service = new ServiceFactory(model.Path, new Dictionary<string, string?> { ["ModelControl:Key"] = "k" });
        using var client = service.CreateClient();

        using var load = await PostAsync(client, $"models/{model.Name}/load", key: "k");
        using var unload = await PostAsync(client, $"models/{model.Name}/unload", key: "k");
        using var index = await PostAsync(client, "index", key: "k");

        Assert.Equal(HttpStatusCode.Conflict, load.StatusCode);
        Assert.Contains("ControlMode", await ErrorAsync(load));
        Assert.Equal(HttpStatusCode.Conflict, unload.StatusCode);
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        var entry = Assert.Single(JsonDocument.Parse(await index.Content.ReadAsStringAsync()).RootElement.EnumerateArray());
        Assert.Equal((model.Name, "1", "ready"), (entry.GetProperty("name").GetString(), entry.GetProperty("version").GetString(), entry.GetProperty("state").GetString()));
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/repository/{path}");
        request.Headers.Add(ModelControlOptions.KeyHeader, key);
        return await client.SendAsync(request);
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
}
