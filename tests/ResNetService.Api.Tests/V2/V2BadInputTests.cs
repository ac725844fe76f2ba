using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ResNetService.Api.Tests.Support;
using static ResNetService.Api.Tests.V2.V2Requests;

namespace ResNetService.Api.Tests.V2;

/// <summary>Every malformed request is a 400 with a clear error object; none reaches ONNX Runtime.</summary>
[Collection(ServiceTestCollection.Name)]
public sealed class V2BadInputTests(ServiceFixture fixture)
{
    private const string Infer = "/v2/models/" + Model + "/infer";

    private string InputName => OnnxRuntimeRun(fixture.Model.Path, Tensor(1, 1)).Input;

    private static JsonObject Input(string name, string datatype, JsonArray shape, JsonNode? data, JsonObject? parameters = null)
    {
        var input = new JsonObject { ["name"] = name, ["datatype"] = datatype, ["shape"] = shape };
        if (data is not null)
        {
            input["data"] = data;
        }

        if (parameters is not null)
        {
            input["parameters"] = parameters;
        }

        return input;
    }

    private static JsonObject Request(params JsonObject[] inputs) => new() { ["inputs"] = new JsonArray(inputs) };

    private static JsonArray Values(int count, float value = 0.5f) => new([.. Enumerable.Range(0, count).Select(_ => (JsonNode)value)]);

    private static JsonArray Shape(params long[] dimensions) => new([.. dimensions.Select(d => (JsonNode)d)]);

    private HttpContent Case(string name)
    {
        var input = InputName;
        return name switch
        {
            "not json" => new StringContent("{\"inputs\": [", Encoding.UTF8, "application/json"),
            "not an object" => new StringContent("[1, 2]", Encoding.UTF8, "application/json"),
            "two values" => new StringContent("{\"inputs\": []} {}", Encoding.UTF8, "application/json"),
            "no inputs" => Json(new JsonObject { ["id"] = "x" }),
            "empty inputs" => Json(Request()),
            "id not a string" => Json(new JsonObject { ["id"] = 7, ["inputs"] = new JsonArray() }),
            "wrong datatype" => Json(Request(Input(input, "INT32", Shape(1, 3, Size, Size), Values(RowLength)))),
            "unknown input" => Json(Request(Input("image", "FP32", Shape(1, 3, Size, Size), Values(RowLength)))),
            "input twice" => Json(Request(Input(input, "FP32", Shape(1, 3, Size, Size), Values(RowLength)), Input(input, "FP32", Shape(1, 3, Size, Size), Values(RowLength)))),
            "too few values" => Json(Request(Input(input, "FP32", Shape(1, 3, Size, Size), Values(10)))),
            "too many values" => Json(Request(Input(input, "FP32", Shape(1, 3, Size, Size), Values(RowLength + 1)))),
            "wrong size" => Json(Request(Input(input, "FP32", Shape(1, 3, 32, 32), Values(3 * 32 * 32)))),
            "wrong channels" => Json(Request(Input(input, "FP32", Shape(1, 1, Size, Size), Values(Size * Size)))),
            "wrong rank" => Json(Request(Input(input, "FP32", Shape(3, Size, Size), Values(RowLength)))),
            "negative dimension" => Json(Request(Input(input, "FP32", Shape(-1, 3, Size, Size), Values(RowLength)))),
            "zero rows" => Json(Request(Input(input, "FP32", Shape(0, 3, Size, Size), Values(0)))),
            "too many rows" => Json(Request(Input(input, "FP32", Shape(33, 3, Size, Size), Values(1)))),
            "string in data" => Json(Request(Input(input, "FP32", Shape(1, 3, Size, Size), new JsonArray("1.0")))),
            "data not an array" => Json(Request(Input(input, "FP32", Shape(1, 3, Size, Size), JsonValue.Create(1.0f)))),
            "nested unlike the shape" => Json(Request(Input(input, "FP32", Shape(1, 3, Size, Size), new JsonArray(Values(3), Values(RowLength - 3))))),
            "no data" => Json(Request(Input(input, "FP32", Shape(1, 3, Size, Size), null))),
            "overflowing number" => new StringContent(
                Request(Input(input, "FP32", Shape(1, 3, Size, Size), Values(RowLength))).ToJsonString().Replace("[0.5,", "[1e999,"), Encoding.UTF8, "application/json"),
            "unknown output" => Json(JsonRequest(input, Tensor(1, 3), outputs: new JsonArray(new JsonObject { ["name"] = "probs" }))),
            "too many classes" => Json(JsonRequest(input, Tensor(1, 3), outputs: new JsonArray(
                new JsonObject { ["name"] = "classification", ["parameters"] = new JsonObject { ["classification"] = 6 } }))),
            "binary_data not a boolean" => Json(JsonRequest(input, Tensor(1, 3), outputs: new JsonArray(
                new JsonObject { ["name"] = "classification", ["parameters"] = new JsonObject { ["binary_data"] = "yes" } }))),
            "image in json without base64" => Json(Request(Input(input, "BYTES", Shape(1), new JsonArray("abc")))),
            "not base64" => Json(Request(Input(input, "BYTES", Shape(1), new JsonArray("!!!"), new JsonObject { ["content_type"] = "base64" }))),
            "not an image" => Json(Request(Input(input, "BYTES", Shape(1), new JsonArray(Convert.ToBase64String(TestImages.Garbage())),
                new JsonObject { ["content_type"] = "base64" }))),
            "images shape" => Json(Request(Input(input, "BYTES", Shape(1, 2), new JsonArray("YQ==", "YQ=="), new JsonObject { ["content_type"] = "base64" }))),
            "header length beyond the body" => Binary(BinaryHeader(input, RowLength * 4), LittleEndian(Tensor(1, 4)), declaredHeaderLength: 1_000_000),
            "header length not a number" => BinaryWithHeader("abc"),
            "binary size unlike the bytes" => Binary(BinaryHeader(input, RowLength * 4), LittleEndian(Tensor(1, 4))[..^4]),
            "binary size unlike the shape" => Binary(BinaryHeader(input, 8), new byte[8]),
            "binary without the header length" => Json(BinaryHeader(input, RowLength * 4)),
            "NaN in binary data" => Binary(BinaryHeader(input, RowLength * 4), LittleEndian([.. Tensor(1, 4)[..^1], float.NaN])),
            "infinity in binary data" => Binary(BinaryHeader(input, RowLength * 4), LittleEndian([float.PositiveInfinity, .. Tensor(1, 4)[1..]])),
            "data and binary data" => Binary(Request(Input(input, "FP32", Shape(1, 3, Size, Size), Values(RowLength),
                new JsonObject { ["binary_data_size"] = RowLength * 4 })), LittleEndian(Tensor(1, 4))),
            "unclaimed binary data" => Binary(JsonRequest(input, Tensor(1, 4)), new byte[16]),
            "bytes element longer than the data" => Binary(Request(Input(input, "BYTES", Shape(1), null, new JsonObject { ["binary_data_size"] = 8 })),
                [100, 0, 0, 0, 1, 2, 3, 4]),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private static JsonObject BinaryHeader(string input, int size) => Request(Input(input, "FP32", Shape(1, 3, Size, Size), null,
        new JsonObject { ["binary_data_size"] = size }));

    private static ByteArrayContent BinaryWithHeader(string headerLength)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"inputs\": []}"));
        content.Headers.Add("Inference-Header-Content-Length", headerLength);
        return content;
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("not an object", "must be an object")]
    [InlineData("two values", "JSON")]
    [InlineData("no inputs", "no 'inputs'")]
    [InlineData("empty inputs", "no input")]
    [InlineData("id not a string", "Id must be a string")]
    [InlineData("wrong datatype", "datatype INT32")]
    [InlineData("unknown input", "Unknown input 'image'")]
    [InlineData("input twice", "2 times")]
    [InlineData("too few values", "its data holds 10")]
    [InlineData("too many values", "holds more")]
    [InlineData("wrong size", "the model takes [-1, 3, 64, 64]")]
    [InlineData("wrong channels", "the model takes [-1, 3, 64, 64]")]
    [InlineData("wrong rank", "the model takes [-1, 3, 64, 64]")]
    [InlineData("negative dimension", "non-negative integers")]
    [InlineData("zero rows", "between 1 and 32")]
    [InlineData("too many rows", "between 1 and 32 (V2:MaxBatchSize)")]
    [InlineData("string in data", "FP32 data are numbers")]
    [InlineData("data not an array", "must be an array")]
    [InlineData("nested unlike the shape", "nested unlike its shape")]
    [InlineData("no data", "neither 'data' nor parameter binary_data_size")]
    [InlineData("overflowing number", "not a finite FP32 number")]
    [InlineData("unknown output", "Unknown output 'probs'")]
    [InlineData("too many classes", "the model has 5")]
    [InlineData("binary_data not a boolean", "must be true or false")]
    [InlineData("image in json without base64", "content_type 'base64'")]
    [InlineData("not base64", "not valid base64")]
    [InlineData("not an image", "Image 0 of input")]
    [InlineData("images shape", "[N] or [N, 1]")]
    [InlineData("header length beyond the body", "Inference-Header-Content-Length is 1000000")]
    [InlineData("header length not a number", "must be one positive integer")]
    [InlineData("binary size unlike the bytes", "bytes follow the JSON header")]
    [InlineData("binary size unlike the shape", "bytes of FP32, not 8")]
    [InlineData("binary without the header length", "bytes follow the JSON header")]
    [InlineData("NaN in binary data", "not a finite FP32 number")]
    [InlineData("infinity in binary data", "Value 0 of input")]
    [InlineData("data and binary data", "both 'data' and parameter binary_data_size")]
    [InlineData("unclaimed binary data", "no input claims")]
    [InlineData("bytes element longer than the data", "claims 100 bytes")]
    public async Task A_malformed_request_is_400_with_a_clear_error(string name, string expected)
    {
        var before = (await ReadJsonAsync(await fixture.Client.GetAsync("/model"))).GetProperty("statistics");
        using var response = await fixture.Client.PostAsync(Infer, Case(name));

        Assert.Contains(expected, await ReadErrorAsync(response, 400));
        var after = (await ReadJsonAsync(await fixture.Client.GetAsync("/model"))).GetProperty("statistics");
        Assert.Equal(before.GetProperty("images").GetInt64(), after.GetProperty("images").GetInt64());
    }

    [Fact]
    public async Task A_body_over_the_V2_limit_is_413_and_a_full_queue_503_with_retry_after()
    {
        await using var factory = new ServiceFactory(fixture.Model.Path, new Dictionary<string, string?>
        {
            ["V2:MaxRequestBytes"] = "100000",
            ["V2:MaxBatchSize"] = "1",
            ["Batching:QueueCapacity"] = "1",
            ["Batching:MaxBatchSize"] = "1",
            ["Batching:RetryAfter"] = "00:00:02",
            ["Uploads:MaxFilesPerBatch"] = "1",
        });
        await factory.WaitUntilReadyAsync();
        using var client = factory.CreateClient();
        var input = InputName;
        var header = BinaryHeader(input, RowLength * 4);

        using (var tooLarge = await client.PostAsync(Infer, Json(JsonRequest(input, Tensor(1, 5)))))
        {
            Assert.Contains("V2:MaxRequestBytes", await ReadErrorAsync(tooLarge, 413));
        }

        HttpResponseMessage[] responses = [];
        for (var round = 0; round < 5 && !responses.Any(r => r.StatusCode == HttpStatusCode.ServiceUnavailable); round++)
        {
            responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
                Task.Run(() => client.PostAsync(Infer, Binary(header, LittleEndian(Tensor(1, i)))))));
        }

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{(int)r.StatusCode}"));
        var overloaded = responses.First(r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(2), overloaded.Headers.RetryAfter?.Delta);
        Assert.Contains("queue is full", await ReadErrorAsync(overloaded, 503));
    }
}
