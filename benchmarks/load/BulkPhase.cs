using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace ResNetService.Benchmarks.Load;

/// <summary>
/// Clients evaluating a test set with a small thread pool: 8 concurrent <c>POST /classify/batch</c> requests of 32
/// small PNGs, in two rounds. Cheap work that a queue bounded by its image count alone refused (12 of 16 requests got
/// 503 at the former default of 64 images); admission by work must take all of it. A short phase after the others.
/// </summary>
public static class BulkPhase
{
    private const int Requests = 8, ImagesPerRequest = 32, Rounds = 2, Size = 28;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<string> RunAsync(ServiceProcess service, int seed)
    {
        var pngs = LoadImages.SmallPngs(ImagesPerRequest, Size, seed);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Requests, UseProxy = false })
        {
            BaseAddress = service.Address,
            Timeout = Timeout,
        };
        var statuses = new List<int>();
        var started = Stopwatch.GetTimestamp();
        for (var round = 0; round < Rounds; round++)
        {
            statuses.AddRange(await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => Task.Run(() => PostAsync(http, pngs)))));
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var answers = string.Join(", ", statuses.GroupBy(status => status).OrderBy(group => group.Key)
            .Select(group => $"{(group.Key == Outcome.NoAnswer ? "none" : group.Key.ToString(CultureInfo.InvariantCulture))} x{group.Count()}"));
        var images = statuses.Count(status => status == 200) * ImagesPerRequest;
        return $"Bulk: {Rounds} rounds of {Requests} concurrent POST /classify/batch of {ImagesPerRequest} {Size}x{Size} PNGs: {answers} " +
            $"in {seconds:0.0} s ({images / seconds:0} images/s answered)";
    }

    private static async Task<int> PostAsync(HttpClient http, byte[][] pngs)
    {
        using var form = new MultipartFormDataContent();
        for (var i = 0; i < pngs.Length; i++)
        {
            var part = new ByteArrayContent(pngs[i]);
            part.Headers.ContentType = new MediaTypeHeaderValue(ImageMediaType.Png);
            form.Add(part, "images", $"{i}.png");
        }

        try
        {
            using var response = await http.PostAsync("/classify/batch", form);
            await response.Content.ReadAsByteArrayAsync();
            return (int)response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return Outcome.NoAnswer;
        }
    }
}
