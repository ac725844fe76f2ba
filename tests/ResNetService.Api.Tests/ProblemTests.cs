using System.Net;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests;

/// <summary>Every kind of bad input gets its status and stable problem type, with ids and no stack trace.</summary>
[Collection(ServiceTestCollection.Name)]
public sealed class ProblemTests(ServiceFixture fixture)
{
    public static TheoryData<string, int, string> BadRequests => new()
    {
        { "garbage bytes", 400, ProblemKinds.NotAnImage.Slug },
        { "truncated png", 400, ProblemKinds.NotAnImage.Slug },
        { "truncated jpeg", 400, ProblemKinds.NotAnImage.Slug },
        { "huge dimensions", 413, ProblemKinds.TooManyPixels.Slug },
        { "empty image body", 400, ProblemKinds.MissingImage.Slug },
        { "empty body without content type", 400, ProblemKinds.MissingImage.Slug },
        { "text content type", 415, ProblemKinds.UnsupportedMediaType.Slug },
        { "json content type", 415, ProblemKinds.UnsupportedMediaType.Slug },
        { "garbage bytes as octet-stream", 400, ProblemKinds.NotAnImage.Slug },
        { "truncated png as octet-stream", 400, ProblemKinds.NotAnImage.Slug },
        { "tiff bytes as octet-stream", 415, ProblemKinds.UnsupportedMediaType.Slug },
        { "empty octet-stream body", 400, ProblemKinds.MissingImage.Slug },
        { "form without image field", 400, ProblemKinds.MissingImage.Slug },
        { "empty file in form", 400, ProblemKinds.MissingImage.Slug },
        { "garbage file in form", 400, ProblemKinds.NotAnImage.Slug },
        { "tiff image", 415, ProblemKinds.UnsupportedMediaType.Slug },
        { "too large raw body", 413, ProblemKinds.RequestTooLarge.Slug },
        { "too large form", 413, ProblemKinds.RequestTooLarge.Slug },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_its_status_and_problem_type(string name, int status, string slug)
    {
        using var response = await fixture.Client.PostAsync("/classify", Content(name));

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal(ProblemKinds.All.Single(k => k.Slug == slug).Type, problem.Type);
        Assert.Equal(status, problem.Status);
        Assert.False(string.IsNullOrWhiteSpace(problem.Title));
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
        Assert.True(problem.Extensions.ContainsKey("requestId"));
        Assert.True(problem.Extensions.ContainsKey("traceId"));
        Assert.DoesNotMatch(StackFrame, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Each_problem_kind_has_its_own_type()
    {
        Assert.Equal(ProblemKinds.All.Count, ProblemKinds.All.Select(k => k.Type).Distinct().Count());
    }

    [Fact]
    public async Task A_problem_names_the_request_path_and_id()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/classify") { Content = Requests.RawBody(TestImages.Garbage()) };
        using var response = await fixture.Client.SendAsync(request);

        var problem = await response.ReadProblemAsync();
        Assert.Equal("/classify", problem.Instance);
        Assert.False(string.IsNullOrEmpty(problem.Extensions["requestId"]?.ToString()));
    }

    [Fact]
    public async Task Unknown_routes_and_methods_get_problem_details_too()
    {
        using var notFound = await fixture.Client.GetAsync("/no-such-thing");
        using var wrongMethod = await fixture.Client.GetAsync("/classify");

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(404, (await notFound.ReadProblemAsync()).Status);
        Assert.Equal(405, (await wrongMethod.ReadProblemAsync()).Status);
    }

    /// <summary>What a .NET stack trace line looks like: "at Some.Type.Method(" or a source line reference.</summary>
    private const string StackFrame = @"\bat [\w.`<>]+\(|\.cs:line \d+|Exception:";

    internal static HttpContent Content(string name) => name switch
    {
        "garbage bytes" => Requests.RawBody(TestImages.Garbage(), "image/png"),
        "truncated png" => Requests.RawBody(TestImages.Truncated(TestImages.Draw(50, width: 300, height: 200)), "image/png"),
        "truncated jpeg" => Requests.RawBody(
            TestImages.Truncated(TestImages.Draw(51, SkiaSharp.SKEncodedImageFormat.Jpeg, 300, 200)), "image/jpeg"),
        "huge dimensions" => Requests.RawBody(TestImages.PngHeaderOnly(100_000, 100_000), "image/png"),
        "empty image body" => Requests.RawBody([], "image/png"),
        "empty body without content type" => Requests.RawBody([], null),
        "text content type" => Requests.RawBody("hello"u8.ToArray(), "text/plain"),
        "json content type" => Requests.RawBody("{\"image\":\"\"}"u8.ToArray(), "application/json"),
        "garbage bytes as octet-stream" => Requests.RawBody(TestImages.Garbage(), "application/octet-stream"),
        "truncated png as octet-stream" => Requests.RawBody(
            TestImages.Truncated(TestImages.Draw(52, width: 300, height: 200)), "application/octet-stream"),
        "tiff bytes as octet-stream" => Requests.RawBody([.. "II*\0"u8, .. TestImages.Garbage(64)], "application/octet-stream"),
        "empty octet-stream body" => Requests.RawBody([], "application/octet-stream"),
        "form without image field" => Requests.Multipart("picture", TestImages.Png(53)),
        "empty file in form" => Requests.Multipart("image", []),
        "garbage file in form" => Requests.Multipart("image", TestImages.Garbage()),
        "tiff image" => Requests.RawBody([.. "II*\0"u8, .. TestImages.Garbage(64)], "image/tiff"),
        "too large raw body" => Requests.RawBody(TestImages.Garbage(ServiceFactory.MaxRequestBytes + 1), "image/jpeg"),
        "too large form" => Requests.Multipart("image", TestImages.Garbage(ServiceFactory.MaxRequestBytes + 1)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
