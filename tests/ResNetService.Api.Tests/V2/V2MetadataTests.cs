using System.Net;
using System.Text.Json;
using ResNetService.Api.Tests.Support;
using static ResNetService.Api.Tests.V2.V2Requests;

namespace ResNetService.Api.Tests.V2;

[Collection(ServiceTestCollection.Name)]
public sealed class V2MetadataTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Server_metadata_names_the_server_and_its_extensions()
    {
        using var response = await fixture.Client.GetAsync("/v2");
        var metadata = await ReadJsonAsync(response);

        Assert.Equal("resnet-service", metadata.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(metadata.GetProperty("version").GetString()));
        var extensions = metadata.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Contains("binary_tensor_data", extensions);
        Assert.Contains("classification", extensions);
        Assert.Contains("model_repository", extensions);
    }

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    [InlineData("/v2/models/" + Model + "/ready")]
    [InlineData("/v2/models/" + Model + "/versions/1/ready")]
    public async Task Health_and_readiness_answer_200_with_an_empty_body(string path)
    {
        using var response = await fixture.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/v2/models/" + Model)]
    [InlineData("/v2/models/" + Model + "/versions/1")]
    public async Task Model_metadata_gives_the_tensors_with_datatype_and_shape(string path)
    {
        var (input, output, _) = OnnxRuntimeRun(fixture.Model.Path, Tensor(1, 1));
        using var response = await fixture.Client.GetAsync(path);
        var metadata = await ReadJsonAsync(response);

        Assert.Equal(Model, metadata.GetProperty("name").GetString());
        Assert.Equal(["1"], metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("onnxruntime_onnx", metadata.GetProperty("platform").GetString());
        var inputs = metadata.GetProperty("inputs").EnumerateArray().Single();
        Assert.Equal(input, inputs.GetProperty("name").GetString());
        Assert.Equal("FP32", inputs.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 3, Size, Size], inputs.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var outputs = metadata.GetProperty("outputs").EnumerateArray().First(); // then the embedding and feature map (V2FeatureOutputsTests)
        Assert.Equal(output, outputs.GetProperty("name").GetString());
        Assert.Equal("FP32", outputs.GetProperty("datatype").GetString());
        Assert.Equal([-1L, TestModel.Labels.Length], outputs.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Theory]
    [InlineData("GET", "/v2/models/no-such-model")]
    [InlineData("GET", "/v2/models/Test-Model")] // names are case-sensitive
    [InlineData("GET", "/v2/models/" + Model + "/versions/2")]
    [InlineData("GET", "/v2/models/no-such-model/ready")]
    [InlineData("GET", "/v2/models/" + Model + "/versions/2/ready")]
    [InlineData("POST", "/v2/models/no-such-model/infer")]
    [InlineData("POST", "/v2/models/" + Model + "/versions/0/infer")]
    public async Task An_unknown_model_or_version_is_404_with_an_error_object(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = Json(JsonRequest("input", Tensor(1, 2)));
        }

        using var response = await fixture.Client.SendAsync(request);

        Assert.Contains("Unknown model", await ReadErrorAsync(response, 404));
    }

    [Fact]
    public async Task Swagger_lists_the_V2_routes_under_their_tag()
    {
        using var response = await fixture.Client.GetAsync("/swagger/v1/swagger.json");
        await Requests.EnsureSuccessAsync(response);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");

        foreach (var (path, verb) in new[]
        {
            ("/v2", "get"), ("/v2/health/live", "get"), ("/v2/health/ready", "get"),
            ("/v2/models/{name}", "get"), ("/v2/models/{name}/versions/{version}", "get"),
            ("/v2/models/{name}/ready", "get"), ("/v2/models/{name}/versions/{version}/ready", "get"),
            ("/v2/models/{name}/infer", "post"), ("/v2/models/{name}/versions/{version}/infer", "post"),
        })
        {
            var operation = paths.GetProperty(path).GetProperty(verb);
            Assert.Equal("Open Inference Protocol (V2)", operation.GetProperty("tags")[0].GetString());
        }

        var infer = paths.GetProperty("/v2/models/{name}/infer").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.True(infer.TryGetProperty("application/json", out _));
        Assert.True(infer.TryGetProperty("application/octet-stream", out _));
    }
}
