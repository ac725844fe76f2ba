using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;
using ResNetService.Api.Tests.V2;

namespace ResNetService.Api.Tests.Overload;

/// <summary>One image (or several) for each inference route, named, and what a refusal of each looks like.</summary>
public static class OverloadRequests
{
    /// <summary>Every way to send work to the default model: REST raw and multipart, per-model routes, V2 JSON and binary.</summary>
    public static IEnumerable<(string Name, string Route, Func<HttpContent> Content)> EveryRoute(int images = 1)
    {
        if (images == 1)
        {
            yield return ("raw /classify", "/classify", () => Requests.RawBody(TestImages.Png(1)));
            yield return ("multipart /classify", "/classify", () => Requests.Multipart("image", TestImages.Png(2)));
            yield return ("raw model route", "/models/test-model/classify", () => Requests.RawBody(TestImages.Png(3)));
            yield return ("multipart version route", "/models/test-model/versions/1/classify", () => Requests.Multipart("image", TestImages.Png(4)));
        }

        var files = Enumerable.Range(5, images).Select(TestImages.Png).ToArray();
        yield return ("batch", "/classify/batch", () => Requests.Multipart("images", files));
        yield return ("model batch", "/models/test-model/classify/batch", () => Requests.Multipart("images", files));
        yield return ("V2 JSON images", "/v2/models/test-model/infer", () => V2Images(files));
        yield return ("V2 binary tensor", "/v2/models/test-model/versions/1/infer", () => V2Tensor(images));
    }

    public static HttpRequestMessage Post(string name, string route, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = content };
        request.Headers.Add(BodyReads.Header, name);
        return request;
    }

    /// <summary>503 with the service's Retry-After, and the kind of refusal: a problem type, or V2's error object.</summary>
    public static async Task AssertRefusedAsync(HttpResponseMessage response, string route, ProblemKind kind, string because)
    {
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{because}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(GatedService.RetryAfter, response.Headers.RetryAfter?.Delta);
        if (route.StartsWith("/v2/", StringComparison.Ordinal))
        {
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
            Assert.False(string.IsNullOrWhiteSpace(error), because);
        }
        else
        {
            Assert.Equal(kind.Type, (await response.ReadProblemAsync()).Type);
        }
    }

    private static HttpContent V2Images(byte[][] images) => V2Requests.Json(new JsonObject
    {
        ["inputs"] = new JsonArray(new JsonObject
        {
            ["name"] = "input",
            ["shape"] = new JsonArray(images.Length),
            ["datatype"] = "BYTES",
            ["parameters"] = new JsonObject { ["content_type"] = "base64" },
            ["data"] = new JsonArray([.. images.Select(image => (JsonNode)Convert.ToBase64String(image))]),
        }),
    });

    private static HttpContent V2Tensor(int rows) => V2Requests.Binary(
        new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "input",
                ["shape"] = new JsonArray(rows, 3, V2Requests.Size, V2Requests.Size),
                ["datatype"] = "FP32",
                ["parameters"] = new JsonObject { ["binary_data_size"] = rows * V2Requests.RowLength * 4 },
            }),
        },
        V2Requests.LittleEndian(V2Requests.Tensor(rows, seed: rows)));
}
