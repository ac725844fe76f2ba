using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Repository;
using ResNetService.Api.Tests.Support;
using ResNetService.Api.Tests.V2;

namespace ResNetService.Api.Tests;

/// <summary>
/// Odd requests found by trying what a client can send: each is answered with a 4xx problem (V2: its error object),
/// never a 500 and never an empty body. Malformed multipart bodies are in <see cref="MalformedUploadTests"/>, bad V2
/// requests in <see cref="V2BadInputTests"/>; framing errors that only a socket can carry in <c>Overload/RealSocketTests</c>.
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class BadInputTests(ServiceFixture fixture)
{
    private const string Boundary = "odd-boundary";

    public static TheoryData<string, int, string> Cases() => new()
    {
        { "multipart boundary over 128 characters", 400, ProblemKinds.MissingImage.Slug },
        { "multipart with only a text field", 400, ProblemKinds.MissingImage.Slug },
        { "batch with only a text field", 400, ProblemKinds.MissingImage.Slug },
        { "file part with an empty file name", 400, ProblemKinds.MissingImage.Slug },
        { "url-encoded form", 400, ProblemKinds.MissingImage.Slug },
        { "url-encoded form with an unknown charset", 400, ProblemKinds.MissingImage.Slug },
        { "content type without a subtype", 415, ProblemKinds.UnsupportedMediaType.Slug },
        { "content type that does not parse", 415, ProblemKinds.UnsupportedMediaType.Slug },
        { "multipart with an unterminated quoted boundary", 415, ProblemKinds.UnsupportedMediaType.Slug },
        { "top negative", 400, ProblemKinds.BadParameter.Slug },
        { "top beyond int", 400, ProblemKinds.BadParameter.Slug },
        { "top twice", 400, ProblemKinds.BadParameter.Slug },
        { "top in exponent notation", 400, ProblemKinds.BadParameter.Slug },
        { "top of int max on a batch", 400, ProblemKinds.BadParameter.Slug },
        { "version negative", 404, ProblemKinds.ModelNotFound.Slug },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_odd_request_gets_its_problem(string name, int status, string slug)
    {
        using var response = await fixture.Client.SendAsync(Request(name));

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal(ProblemKinds.All.Single(k => k.Slug == slug).Type, problem.Type);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
    }

    [Fact]
    public async Task A_boundary_over_the_readers_limit_is_a_malformed_body_not_a_large_one()
    {
        using var response = await fixture.Client.SendAsync(Request("multipart boundary over 128 characters"));

        Assert.Contains("boundary", (await response.ReadProblemAsync()).Detail);
    }

    [Theory]
    [InlineData("POST", "/models/test-model/versions/abc/classify", 404)]
    [InlineData("POST", "/models/test-model/versions/99999999999999999999999/classify", 404)]
    [InlineData("GET", "/classify", 405)]
    [InlineData("PUT", "/classify/batch", 405)]
    [InlineData("DELETE", "/models/test-model/classify", 405)]
    [InlineData("GET", "/v2/models/test-model/infer", 405)]
    public async Task A_route_value_or_method_that_matches_nothing_gets_a_problem(string method, string path, int status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Requests.RawBody(TestImages.Png(1)) };
        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(status, (await response.ReadProblemAsync()).Status);
    }

    [Theory]
    [InlineData("text/html", "/classify", "text/plain", 415)]
    [InlineData("text/html", "/classify", "image/png", 400)] // not an image
    [InlineData("application/xml", "/no/such/route", null, 404)]
    [InlineData("image/png", "/models/no-such-model/classify", "image/png", 404)]
    public async Task A_client_that_accepts_no_json_still_gets_its_problem_as_json(string accept, string path, string? contentType, int status)
    {
        using var request = new HttpRequestMessage(contentType is null ? HttpMethod.Get : HttpMethod.Post, path);
        request.Headers.Accept.ParseAdd(accept);
        if (contentType is not null)
        {
            request.Content = Requests.RawBody([1, 2, 3, 4], contentType);
        }

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(status, (await response.ReadProblemAsync()).Status); // application/problem+json, whatever was asked
    }

    [Fact]
    public async Task Expect_100_continue_is_answered_as_any_other_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/classify") { Content = Requests.RawBody(TestImages.Png(1)) };
        request.Headers.ExpectContinue = true;

        using var response = await fixture.Client.SendAsync(request);

        await Requests.EnsureSuccessAsync(response);
    }

    [Fact]
    public async Task More_images_than_a_models_own_queue_holds_are_the_clients_problem_not_a_server_error()
    {
        await using var service = new RepositoryService();
        service.Repository.AddVersion("narrow", 1, 3, ["a", "b", "c"]);
        service.Repository.Write("narrow/config.json", """{ "queueCapacity": 2 }""");
        service.Start(new Dictionary<string, string?> { ["ModelRepository:SettleTime"] = "00:00:00" });
        await RepositoryService.WaitUntilAsync(async () => (await service.Client.GetAsync("/health/ready")).IsSuccessStatusCode);
        var images = Enumerable.Range(0, 3).Select(TestImages.Png).ToArray();

        using var rest = await service.Client.PostAsync("/models/narrow/classify/batch", Requests.Multipart("images", images));
        using var v2 = await service.Client.PostAsync("/v2/models/narrow/infer", V2Requests.Json(new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "input",
                ["shape"] = new JsonArray(3),
                ["datatype"] = "BYTES",
                ["parameters"] = new JsonObject { ["content_type"] = "base64" },
                ["data"] = new JsonArray([.. images.Select(i => (JsonNode)Convert.ToBase64String(i))]),
            }),
        }));

        Assert.Equal(HttpStatusCode.BadRequest, rest.StatusCode);
        var problem = await rest.ReadProblemAsync();
        Assert.Equal(ProblemKinds.TooManyFiles.Type, problem.Type);
        Assert.Contains("queue capacity of 2", problem.Detail);
        Assert.Equal(HttpStatusCode.BadRequest, v2.StatusCode);
        Assert.Contains("queue capacity of 2", JsonDocument.Parse(await v2.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    private static HttpRequestMessage Request(string name)
    {
        var image = TestImages.Png(2);
        var (path, contentType, body) = name switch
        {
            "multipart boundary over 128 characters" => ("/classify", Multipart(new string('b', 129)), File(new string('b', 129), "image", "a.png", image)),
            "multipart with only a text field" => ("/classify", Multipart(Boundary), Field("image", "not a file")),
            "batch with only a text field" => ("/classify/batch", Multipart(Boundary), Field("images", "not a file")),
            "file part with an empty file name" => ("/classify", Multipart(Boundary), File(Boundary, "image", "", image)),
            "url-encoded form" => ("/classify", "application/x-www-form-urlencoded", Ascii("image=abc")),
            "url-encoded form with an unknown charset" => ("/classify/batch", "application/x-www-form-urlencoded; charset=no-such-charset", Ascii("images=abc")),
            "content type without a subtype" => ("/classify", "image/", image),
            "content type that does not parse" => ("/classify", ";;;", image),
            "multipart with an unterminated quoted boundary" => ("/classify", "multipart/form-data; boundary=\"abc", File("abc", "image", "a.png", image)),
            "top negative" => ("/classify?top=-1", "image/png", image),
            "top beyond int" => ("/classify?top=99999999999999", "image/png", image),
            "top twice" => ("/classify?top=1&top=2", "image/png", image),
            "top in exponent notation" => ("/classify?top=1e3", "image/png", image),
            "top of int max on a batch" => ("/classify/batch?top=2147483647", Multipart(Boundary), File(Boundary, "images", "a.png", image)),
            "version negative" => ("/models/test-model/versions/-1/classify", "image/png", image),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    private static string Multipart(string boundary) => $"multipart/form-data; boundary={boundary}";

    private static byte[] File(string boundary, string field, string fileName, byte[] bytes) =>
        [.. Ascii($"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{fileName}\"\r\nContent-Type: image/png\r\n\r\n"),
         .. bytes, .. Ascii($"\r\n--{boundary}--\r\n")];

    private static byte[] Field(string field, string value) =>
        Ascii($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n--{Boundary}--\r\n");

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
