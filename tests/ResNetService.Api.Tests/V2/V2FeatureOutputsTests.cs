using System.Text.Json.Nodes;
using ResNetService.Api.Tests.Support;
using static ResNetService.Api.Tests.V2.V2Requests;

namespace ResNetService.Api.Tests.V2;

/// <summary>The embedding and the last feature map as requested outputs of the Open Inference Protocol.</summary>
[Collection(ServiceTestCollection.Name)]
public sealed class V2FeatureOutputsTests(ServiceFixture fixture)
{
    private const string Infer = "/v2/models/" + Model + "/infer";
    private const string Embedding = "flatten.out", FeatureMap = "layer4.1.relu.out";

    private static JsonArray Outputs(params string[] names) => [.. names.Select(name => (JsonNode)new JsonObject { ["name"] = name })];

    [Fact]
    public async Task Metadata_lists_the_scores_then_the_embedding_and_the_feature_map()
    {
        using var response = await fixture.Client.GetAsync("/v2/models/" + Model);
        var outputs = (await ReadJsonAsync(response)).GetProperty("outputs").EnumerateArray().ToList();

        Assert.Equal(["logits", Embedding, FeatureMap], outputs.Select(o => o.GetProperty("name").GetString()));
        Assert.Equal([-1L, 512], outputs[1].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([-1L, 512, 2, 2], outputs[2].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task Requested_feature_outputs_of_FP32_rows_are_answered_beside_the_scores()
    {
        var values = Tensor(2, seed: 21);
        var (input, _, expected) = OnnxRuntimeRun(fixture.Model.Path, values);

        using var response = await fixture.Client.PostAsync(Infer, Json(JsonRequest(input, values, outputs: Outputs("logits", Embedding, FeatureMap))));
        var answer = await ReadJsonAsync(response);

        AssertClose(expected, Floats(Output(answer, "logits").GetProperty("data")));
        var embedding = Floats(Output(answer, Embedding).GetProperty("data"));
        var map = Floats(Output(answer, FeatureMap).GetProperty("data"));
        Assert.Equal([2L, 512], Output(answer, Embedding).GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(2 * 512 * 4, map.Length);
        for (var k = 0; k < 2 * 512; k++)
        {
            Assert.Equal(map.AsSpan(4 * k, 4).ToArray().Average(), embedding[k], 1e-4);
        }
    }

    [Fact]
    public async Task Images_can_ask_for_their_embedding_alone()
    {
        var image = TestImages.Png(22);
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "input",
                ["datatype"] = "BYTES",
                ["shape"] = new JsonArray(1),
                ["parameters"] = new JsonObject { ["content_type"] = "base64" },
                ["data"] = new JsonArray(Convert.ToBase64String(image)),
            }),
            ["outputs"] = Outputs(Embedding),
        };

        using var response = await fixture.Client.PostAsync(Infer, Json(request));
        var answer = await ReadJsonAsync(response);

        var tensor = answer.GetProperty("outputs").EnumerateArray().Single();
        Assert.Equal(Embedding, tensor.GetProperty("name").GetString());
        Assert.Equal(512, Floats(tensor.GetProperty("data")).Length);
    }

    [Fact]
    public async Task Classification_of_a_feature_output_is_refused()
    {
        var values = Tensor(1, seed: 23);
        var outputs = new JsonArray(new JsonObject { ["name"] = Embedding, ["parameters"] = new JsonObject { ["classification"] = 2 } });

        using var response = await fixture.Client.PostAsync(Infer, Json(JsonRequest("input", values, outputs: outputs)));

        Assert.Contains("not class scores", await ReadErrorAsync(response, 400));
    }
}
