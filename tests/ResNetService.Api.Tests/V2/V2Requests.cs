using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.V2;

/// <summary>Requests in the protocol's shapes (JSON and binary), their answers taken apart, and ONNX Runtime's own answer.</summary>
public static class V2Requests
{
    public const string Model = "test-model";
    public const int Size = TestModel.ImageSize;
    public const int RowLength = 3 * Size * Size;

    /// <summary>Random preprocessed rows, as a client would send them.</summary>
    public static float[] Tensor(int rows, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * RowLength];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 4 - 2);
        }

        return values;
    }

    /// <summary>The request body of the spec's example, with our FP32 input: data flat, or nested as the shape.</summary>
    public static JsonObject JsonRequest(string input, float[] values, bool nested = false, string? id = null, JsonArray? outputs = null)
    {
        var rows = values.Length / RowLength;
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = input,
                ["shape"] = new JsonArray(rows, 3, Size, Size),
                ["datatype"] = "FP32",
                ["data"] = nested ? Nest(values, [rows, 3, Size, Size]) : new JsonArray([.. values.Select(v => (JsonNode)v)]),
            }),
        };
        if (id is not null)
        {
            request["id"] = id;
        }

        if (outputs is not null)
        {
            request["outputs"] = outputs;
        }

        return request;
    }

    private static JsonArray Nest(ReadOnlySpan<float> values, ReadOnlySpan<int> shape)
    {
        var array = new JsonArray();
        var inner = values.Length / shape[0];
        for (var i = 0; i < shape[0]; i++)
        {
            var part = values.Slice(i * inner, inner);
            array.Add(shape.Length == 1 ? JsonValue.Create(part[0]) : Nest(part, shape[1..]));
        }

        return array;
    }

    public static HttpContent Json(JsonNode request) => new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>The binary tensor data extension: the JSON header, then the raw tensors, with the header's length.</summary>
    public static HttpContent Binary(JsonNode header, byte[] tensors, int? declaredHeaderLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var content = new ByteArrayContent([.. json, .. tensors]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", (declaredHeaderLength ?? json.Length).ToString());
        return content;
    }

    public static byte[] LittleEndian(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>BYTES elements: a 4-byte little-endian length, then the bytes.</summary>
    public static byte[] Elements(params byte[][] elements)
    {
        var bytes = new List<byte>();
        foreach (var element in elements)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)element.Length);
            bytes.AddRange(length);
            bytes.AddRange(element);
        }

        return [.. bytes];
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        await Requests.EnsureSuccessAsync(response);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    /// <summary>A binary answer: its JSON header, and the bytes after it.</summary>
    public static async Task<(JsonElement Header, byte[] Tensors)> ReadBinaryAsync(HttpResponseMessage response)
    {
        await Requests.EnsureSuccessAsync(response);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var length = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single());
        var body = await response.Content.ReadAsByteArrayAsync();
        return (JsonDocument.Parse(body.AsMemory(0, length)).RootElement, body[length..]);
    }

    /// <summary>The error object's message, after checking the status and that nothing else is in it.</summary>
    public static async Task<string> ReadErrorAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(body).RootElement;
        Assert.Equal(JsonValueKind.Object, error.ValueKind);
        Assert.Single(error.EnumerateObject());
        return error.GetProperty("error").GetString()!;
    }

    public static float[] Floats(JsonElement data) => [.. data.EnumerateArray().Select(v => v.GetSingle())];

    public static float[] Floats(byte[] bytes) =>
        [.. Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4)))];

    public static JsonElement Output(JsonElement response, string name) =>
        response.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);

    /// <summary>ONNX Runtime's own run of the same tensor: the answer the service must give.</summary>
    public static (string Input, string Output, float[] Values) OnnxRuntimeRun(string modelPath, float[] values)
    {
        using var session = new InferenceSession(modelPath);
        using var tensor = OrtValue.CreateTensorValueFromMemory(values, [values.Length / RowLength, 3, Size, Size]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [session.InputNames[0]], [tensor], session.OutputNames);
        return (session.InputNames[0], session.OutputNames[0], results[0].GetTensorDataAsSpan<float>().ToArray());
    }

    public static void AssertClose(float[] expected, float[] actual, float tolerance = 1e-4f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"value {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
