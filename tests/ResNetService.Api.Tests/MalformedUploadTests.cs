using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests;

/// <summary>
/// Bodies that end early or are not multipart at all, built byte by byte: each is the client's fault and gets a 400
/// (or 413 for a limit) problem, never a 500, on every route that reads uploads.
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class MalformedUploadTests(ServiceFixture fixture)
{
    private const string Boundary = "cut-short-boundary";

    public static TheoryData<string, string, int, string> Cases()
    {
        var data = new TheoryData<string, string, int, string>();
        string[] bodies =
        [
            "part headers and then nothing",
            "part headers cut mid-line",
            "file cut before its closing boundary",
            "no closing boundary",
            "next part announced and then nothing",
            "only the opening boundary",
            "multipart without boundary",
        ];
        foreach (var route in new[] { "/classify", "/classify/batch", "/models/test-model/classify", "/models/test-model/classify/batch" })
        {
            foreach (var body in bodies)
            {
                data.Add(route, body, 400, ProblemKinds.MissingImage.Slug);
            }

            data.Add(route, "part header over the line limit", 413, ProblemKinds.RequestTooLarge.Slug);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_malformed_or_truncated_multipart_body_is_the_clients_problem(string route, string body, int status, string slug)
    {
        var field = route.EndsWith("/batch", StringComparison.Ordinal) ? "images" : "image";
        using var response = await fixture.Client.PostAsync(route, Content(body, field));

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal(ProblemKinds.All.Single(k => k.Slug == slug).Type, problem.Type);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
    }

    [Theory]
    [InlineData("/classify", "boundary longer than 70 characters")]
    [InlineData("/classify/batch", "boundary longer than 70 characters")]
    [InlineData("/models/test-model/classify/batch", "boundary longer than 70 characters")]
    [InlineData("/classify", "non-UTF-8 file name")]
    [InlineData("/classify/batch", "non-UTF-8 file name")]
    [InlineData("/models/test-model/classify", "non-UTF-8 file name")]
    public async Task An_odd_but_complete_multipart_body_is_answered(string route, string body)
    {
        var field = route.EndsWith("/batch", StringComparison.Ordinal) ? "images" : "image";
        using var response = await fixture.Client.PostAsync(route, Content(body, field));

        await Requests.EnsureSuccessAsync(response);
    }

    [Theory]
    [InlineData("/classify")]
    [InlineData("/models/test-model/classify")]
    public async Task A_raw_body_shorter_than_its_content_length_is_not_a_server_error(string route)
    {
        using var content = new ByteArrayContent(TestImages.Png(7)[..40]);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        content.Headers.ContentLength = 4000;
        using var response = await fixture.Client.PostAsync(route, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemKinds.NotAnImage.Type, (await response.ReadProblemAsync()).Type);
    }

    private static ByteArrayContent Content(string body, string field)
    {
        var boundary = body == "boundary longer than 70 characters" ? new string('b', 71) : Boundary;
        var headers = $"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"a.png\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n";
        var image = TestImages.Png(3);
        byte[] bytes = body switch
        {
            "part headers and then nothing" => Ascii(headers),
            "part headers cut mid-line" => Ascii(headers[..40]),
            "file cut before its closing boundary" => [.. Ascii(headers), .. image[..(image.Length / 2)]],
            "no closing boundary" => [.. Ascii(headers), .. image, .. Ascii("\r\n")],
            "next part announced and then nothing" => [.. Ascii(headers), .. image, .. Ascii($"\r\n--{boundary}\r\n")],
            "only the opening boundary" => Ascii($"--{boundary}"),
            "multipart without boundary" or "boundary longer than 70 characters" =>
                [.. Ascii(headers), .. image, .. Ascii($"\r\n--{boundary}--\r\n")],
            "non-UTF-8 file name" =>
                [.. Ascii($"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\""),
                 0xFF, 0xFE, 0xC3, 0x28, .. Ascii("\"\r\n\r\n"), .. image, .. Ascii($"\r\n--{boundary}--\r\n")],
            "part header over the line limit" =>
                [.. Ascii($"--{boundary}\r\nX-Padding: {new string('x', 20_000)}\r\n"), .. Ascii(headers[(boundary.Length + 4)..]),
                 .. image, .. Ascii($"\r\n--{boundary}--\r\n")],
            _ => throw new ArgumentOutOfRangeException(nameof(body), body, null),
        };
        var content = new ByteArrayContent(bytes);
        var contentType = body == "multipart without boundary" ? "multipart/form-data" : $"multipart/form-data; boundary={boundary}";
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
