using System.Diagnostics;
using System.Net.Http.Headers;

namespace ResNetService.Benchmarks.Memory;

/// <summary>Many clients sending the same image to <c>POST /classify</c> at the same moment, each on its own connection.</summary>
public static class UploadStorm
{
    public sealed record Outcome(IReadOnlyDictionary<int, int> StatusCounts, TimeSpan Elapsed);

    public static async Task<Outcome> RunAsync(Uri service, byte[] image, int uploads, bool multipart)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = uploads })
        {
            BaseAddress = service,
            Timeout = TimeSpan.FromMinutes(5),
        };
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, uploads).Select(_ => Task.Run(async () =>
        {
            using var response = await http.PostAsync("/classify", Content(image, multipart));
            return (int)response.StatusCode;
        })));
        return new Outcome(statuses.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count()), clock.Elapsed);
    }

    private static HttpContent Content(byte[] image, bool multipart)
    {
        var body = new ByteArrayContent(image);
        body.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        if (!multipart)
        {
            return body;
        }

        return new MultipartFormDataContent { { body, "image", "noise.png" } };
    }
}
