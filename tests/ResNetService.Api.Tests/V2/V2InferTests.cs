using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ResNetService.Api.Tests.Support;
using static ResNetService.Api.Tests.V2.V2Requests;

namespace ResNetService.Api.Tests.V2;

[Collection(ServiceTestCollection.Name)]
public sealed class V2InferTests(ServiceFixture fixture)
{
    private const string Infer = "/v2/models/" + Model + "/infer";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Json_FP32_rows_get_onnx_runtimes_own_output_flat_or_nested(bool nested)
    {
        var values = Tensor(3, seed: 10);
        var (input, output, expected) = OnnxRuntimeRun(fixture.Model.Path, values);

        using var response = await fixture.Client.PostAsync(Infer, Json(JsonRequest(input, values, nested, id: "42")));
        var answer = await ReadJsonAsync(response);

        Assert.Equal(Model, answer.GetProperty("model_name").GetString());
        Assert.Equal("1", answer.GetProperty("model_version").GetString());
        Assert.Equal("42", answer.GetProperty("id").GetString());
        var tensor = answer.GetProperty("outputs").EnumerateArray().Single();
        Assert.Equal(output, tensor.GetProperty("name").GetString());
        Assert.Equal("FP32", tensor.GetProperty("datatype").GetString());
        Assert.Equal([3L, TestModel.Labels.Length], tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        AssertClose(expected, Floats(tensor.GetProperty("data")));
    }

    [Fact]
    public async Task The_versioned_route_answers_the_same_and_no_id_is_invented()
    {
        var values = Tensor(1, seed: 11);
        var (input, _, expected) = OnnxRuntimeRun(fixture.Model.Path, values);

        using var response = await fixture.Client.PostAsync("/v2/models/" + Model + "/versions/1/infer", Json(JsonRequest(input, values)));
        var answer = await ReadJsonAsync(response);

        Assert.False(answer.TryGetProperty("id", out _));
        AssertClose(expected, Floats(answer.GetProperty("outputs")[0].GetProperty("data")));
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")] // what curl -d sends
    [InlineData(null)]
    public async Task The_body_is_read_whatever_its_content_type(string? contentType)
    {
        var values = Tensor(1, seed: 15);
        var (input, _, expected) = OnnxRuntimeRun(fixture.Model.Path, values);
        using var content = Requests.RawBody(Encoding.UTF8.GetBytes(JsonRequest(input, values).ToJsonString()), contentType);

        using var response = await fixture.Client.PostAsync(Infer, content);

        AssertClose(expected, Floats((await ReadJsonAsync(response)).GetProperty("outputs")[0].GetProperty("data")));
    }

    [Fact]
    public async Task Requested_outputs_are_answered_in_order_with_classification_strings()
    {
        var values = Tensor(2, seed: 12);
        var (input, output, expected) = OnnxRuntimeRun(fixture.Model.Path, values);
        var outputs = new JsonArray(
            new JsonObject { ["name"] = output, ["parameters"] = new JsonObject { ["classification"] = 2 } });

        using var response = await fixture.Client.PostAsync(Infer, Json(JsonRequest(input, values, outputs: outputs)));
        var tensor = (await ReadJsonAsync(response)).GetProperty("outputs").EnumerateArray().Single();

        // Triton's classification extension: BYTES [N, k] of "value:index:label", highest value first.
        Assert.Equal("BYTES", tensor.GetProperty("datatype").GetString());
        Assert.Equal([2L, 2], tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var strings = tensor.GetProperty("data").EnumerateArray().Select(s => s.GetString()!).ToArray();
        for (var row = 0; row < 2; row++)
        {
            var logits = expected.AsSpan(row * 5, 5).ToArray();
            var ranked = Enumerable.Range(0, 5).OrderByDescending(i => logits[i]).Take(2).ToArray();
            for (var k = 0; k < 2; k++)
            {
                var parts = strings[row * 2 + k].Split(':');
                Assert.Equal(logits[ranked[k]], float.Parse(parts[0], CultureInfo.InvariantCulture), 1e-4f);
                Assert.Equal(ranked[k], int.Parse(parts[1], CultureInfo.InvariantCulture));
                Assert.Equal(TestModel.Labels[ranked[k]], parts[2]);
            }
        }
    }

    [Fact]
    public async Task Binary_in_and_binary_out_carry_the_same_numbers_as_json()
    {
        var values = Tensor(4, seed: 13);
        var (input, output, expected) = OnnxRuntimeRun(fixture.Model.Path, values);
        var header = new JsonObject
        {
            ["id"] = "binary",
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = input,
                ["shape"] = new JsonArray(4, 3, Size, Size),
                ["datatype"] = "FP32",
                ["parameters"] = new JsonObject { ["binary_data_size"] = values.Length * 4 },
            }),
            ["outputs"] = new JsonArray(new JsonObject { ["name"] = output, ["parameters"] = new JsonObject { ["binary_data"] = true } }),
        };

        using var binaryResponse = await fixture.Client.PostAsync(Infer, Binary(header, LittleEndian(values)));
        var (answer, tensors) = await ReadBinaryAsync(binaryResponse);
        using var jsonResponse = await fixture.Client.PostAsync(Infer, Json(JsonRequest(input, values)));
        var json = Floats((await ReadJsonAsync(jsonResponse)).GetProperty("outputs")[0].GetProperty("data"));

        Assert.Equal("binary", answer.GetProperty("id").GetString());
        var tensor = answer.GetProperty("outputs").EnumerateArray().Single();
        Assert.False(tensor.TryGetProperty("data", out _));
        Assert.Equal(4 * 5 * 4, tensor.GetProperty("parameters").GetProperty("binary_data_size").GetInt64());
        Assert.Equal(4 * 5 * 4, tensors.Length);
        AssertClose(expected, Floats(tensors));
        AssertClose(json, Floats(tensors), 1e-5f);
    }

    [Fact]
    public async Task Binary_input_with_a_json_answer_and_binary_data_output_for_every_output()
    {
        var values = Tensor(1, seed: 14);
        var (input, output, expected) = OnnxRuntimeRun(fixture.Model.Path, values);
        JsonObject Header(bool binaryOutput) => new()
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = input,
                ["shape"] = new JsonArray(1, 3, Size, Size),
                ["datatype"] = "FP32",
                ["parameters"] = new JsonObject { ["binary_data_size"] = values.Length * 4 },
            }),
            ["parameters"] = new JsonObject { ["binary_data_output"] = binaryOutput },
        };

        using var jsonAnswer = await fixture.Client.PostAsync(Infer, Binary(Header(false), LittleEndian(values)));
        using var binaryAnswer = await fixture.Client.PostAsync(Infer, Binary(Header(true), LittleEndian(values)));

        AssertClose(expected, Floats(Output(await ReadJsonAsync(jsonAnswer), output).GetProperty("data")));
        var (_, tensors) = await ReadBinaryAsync(binaryAnswer);
        AssertClose(expected, Floats(tensors));
    }

    [Fact]
    public async Task Images_as_binary_BYTES_answer_what_classify_answers()
    {
        byte[][] images = [TestImages.Png(21), TestImages.Jpeg(22)];
        var (input, output, _) = OnnxRuntimeRun(fixture.Model.Path, Tensor(1, 1));
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = input,
                ["shape"] = new JsonArray(2),
                ["datatype"] = "BYTES",
                ["parameters"] = new JsonObject { ["binary_data_size"] = Elements(images).Length },
            }),
            ["outputs"] = new JsonArray(
                new JsonObject { ["name"] = output },
                new JsonObject { ["name"] = "classification", ["parameters"] = new JsonObject { ["classification"] = 3, ["binary_data"] = true } }),
        };

        using var response = await fixture.Client.PostAsync(Infer, Binary(header, Elements(images)));
        var (answer, tensors) = await ReadBinaryAsync(response);

        var probabilities = Output(answer, output);
        Assert.Equal([2L, 5], probabilities.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var classification = Output(answer, "classification");
        Assert.Equal("BYTES", classification.GetProperty("datatype").GetString());
        Assert.Equal([2L, 3], classification.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var strings = ReadElements(tensors);
        for (var i = 0; i < images.Length; i++)
        {
            await AssertAnswersLikeClassify(images[i], Floats(probabilities.GetProperty("data")).AsSpan(i * 5, 5).ToArray(), strings[(i * 3)..(i * 3 + 3)]);
        }
    }

    [Fact]
    public async Task Images_as_base64_strings_answer_what_classify_answers()
    {
        byte[][] images = [TestImages.Jpeg(23)];
        var (input, output, _) = OnnxRuntimeRun(fixture.Model.Path, Tensor(1, 1));
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = input,
                ["shape"] = new JsonArray(1),
                ["datatype"] = "BYTES",
                ["parameters"] = new JsonObject { ["content_type"] = "base64" },
                ["data"] = new JsonArray(Convert.ToBase64String(images[0])),
            }),
        };

        using var response = await fixture.Client.PostAsync(Infer, Json(request));
        var answer = await ReadJsonAsync(response);

        // Without an outputs list an image request gets the probabilities and the best class.
        var probabilities = Floats(Output(answer, output).GetProperty("data"));
        var classification = Output(answer, "classification");
        Assert.Equal([1L, 1], classification.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        await AssertAnswersLikeClassify(images[0], probabilities, [classification.GetProperty("data")[0].GetString()!]);
    }

    private async Task AssertAnswersLikeClassify(byte[] image, float[] probabilities, string[] top)
    {
        var classify = await fixture.Client.ClassifyAsync(image, top: 5);
        foreach (var prediction in classify.Predictions)
        {
            Assert.Equal(prediction.Probability, probabilities[prediction.Index], 1e-5f);
        }

        for (var k = 0; k < top.Length; k++)
        {
            var parts = top[k].Split(':');
            Assert.Equal(classify.Predictions[k].Probability, float.Parse(parts[0], CultureInfo.InvariantCulture), 1e-5f);
            Assert.Equal(classify.Predictions[k].Index, int.Parse(parts[1], CultureInfo.InvariantCulture));
            Assert.Equal(classify.Predictions[k].Label, parts[2]);
        }
    }

    private static string[] ReadElements(byte[] bytes)
    {
        var strings = new List<string>();
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            strings.Add(Encoding.UTF8.GetString(bytes, offset + 4, length));
            offset += 4 + length;
        }

        return [.. strings];
    }
}
