using System.Diagnostics;
using System.Net.Http.Headers;

namespace ResNetService.Benchmarks.Service;

/// <summary>Drives the running service over HTTP on loopback; every call is one timed round.</summary>
public sealed class ServiceClient(HttpClient http)
{
    /// <summary>One POST /classify/batch (or <paramref name="route"/>) with all <paramref name="jpegs"/>.</summary>
    public async Task<TimeSpan> BatchAsync(byte[][] jpegs, string route = "/classify/batch")
    {
        using var form = new MultipartFormDataContent();
        for (var i = 0; i < jpegs.Length; i++)
        {
            var file = new ByteArrayContent(jpegs[i]);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, "images", $"image-{i}.jpg");
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync($"{route}?top=5", form);
        await EnsureAsync(response);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// <paramref name="clients"/> callers post one image each to /classify (or, in turn, to the routes given) at the
    /// same moment: the latency of each and the time until the last answer.
    /// </summary>
    public async Task<(IReadOnlyList<TimeSpan> Latencies, TimeSpan Elapsed)> ConcurrentAsync(
        byte[][] jpegs, int clients, int round, params string[] routes)
    {
        routes = routes.Length == 0 ? ["/classify"] : routes;
        var started = Stopwatch.GetTimestamp();
        var latencies = await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            using var content = new ByteArrayContent(jpegs[(client + round * clients) % jpegs.Length]);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            var sent = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync($"{routes[client % routes.Length]}?top=5", content);
            await EnsureAsync(response);
            await response.Content.ReadAsByteArrayAsync(); // the whole answer (an explanation's PNG) counts
            return Stopwatch.GetElapsedTime(sent);
        })));
        return (latencies, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>One POST /v2/models/{model}/infer with a ready body (JSON or binary).</summary>
    public async Task<TimeSpan> V2InferAsync(string model, HttpContent content)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync($"/v2/models/{model}/infer", content);
        await EnsureAsync(response);
        await response.Content.ReadAsByteArrayAsync();
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Waits (bounded) until /health/ready answers 200: the repository's models load after the service starts.</summary>
    public async Task WaitUntilReadyAsync()
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            using var response = await http.GetAsync("/health/ready");
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The service was not ready within two minutes.");
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The service answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
