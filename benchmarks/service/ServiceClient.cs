using System.Diagnostics;
using System.Net.Http.Headers;

namespace ResNetService.Benchmarks.Service;

/// <summary>Drives the running service over HTTP on loopback.</summary>
public sealed class ServiceClient(HttpClient http)
{
    /// <summary>POST /classify/batch with all <paramref name="jpegs"/> in one request, <paramref name="iterations"/> times.</summary>
    public async Task<Measurement> BatchAsync(byte[][] jpegs, int iterations)
    {
        await PostBatchAsync(jpegs); // Warm-up.
        var latencies = new List<TimeSpan>(iterations);
        var total = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await PostBatchAsync(jpegs);
            latencies.Add(Stopwatch.GetElapsedTime(started));
        }

        return new Measurement($"Service POST /classify/batch, {jpegs.Length} JPEGs 640x480", jpegs.Length * iterations, total.Elapsed, latencies);
    }

    /// <summary><paramref name="clients"/> concurrent callers, each posting <paramref name="requestsEach"/> single images to /classify.</summary>
    public async Task<Measurement> ConcurrentAsync(byte[][] jpegs, int clients, int requestsEach)
    {
        await PostSingleAsync(jpegs[0]); // Warm-up.
        var latencies = new List<TimeSpan>(clients * requestsEach);
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (var i = 0; i < requestsEach; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await PostSingleAsync(jpegs[(client + i * clients) % jpegs.Length]);
                var elapsed = Stopwatch.GetElapsedTime(started);
                lock (latencies)
                {
                    latencies.Add(elapsed);
                }
            }
        })));

        return new Measurement($"Service POST /classify, {clients} concurrent clients", clients * requestsEach, total.Elapsed, latencies);
    }

    private async Task PostBatchAsync(byte[][] jpegs)
    {
        using var form = new MultipartFormDataContent();
        for (var i = 0; i < jpegs.Length; i++)
        {
            var file = new ByteArrayContent(jpegs[i]);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, "images", $"image-{i}.jpg");
        }

        using var response = await http.PostAsync("/classify/batch?top=5", form);
        await EnsureAsync(response);
    }

    private async Task PostSingleAsync(byte[] jpeg)
    {
        using var content = new ByteArrayContent(jpeg);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var response = await http.PostAsync("/classify?top=5", content);
        await EnsureAsync(response);
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The service answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
