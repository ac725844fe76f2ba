using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace ResNetService.Benchmarks.Load;

/// <summary>What one request got: the status code (0: no answer, the connection failed or the timeout passed).</summary>
public readonly record struct Outcome(int Status, TimeSpan? RetryAfter, long SentAt, long AnsweredAt)
{
    public const int NoAnswer = 0;

    public bool Accepted => Status == (int)HttpStatusCode.OK;

    public bool Rejected => Status == (int)HttpStatusCode.ServiceUnavailable;

    public double LatencyMs => Stopwatch.GetElapsedTime(SentAt, AnsweredAt).TotalMilliseconds;
}

/// <summary>
/// Posts ready bodies to the service: one HttpClient, as many pooled connections as there are callers, so that no
/// request waits on the generator's side for a connection. A body is sent as is: nothing is copied per request.
/// </summary>
public sealed class ClassifySender : IDisposable
{
    private readonly HttpClient _http;

    public ClassifySender(Uri address, int connections, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        _http = new HttpClient(handler) { BaseAddress = address, Timeout = timeout };
    }

    /// <summary>POST /classify with <paramref name="body"/> as the raw image; the answer is read to its end.</summary>
    public async Task<Outcome> ClassifyAsync(byte[] body, string mediaType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/classify") { Content = content };
        var sentAt = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            return new Outcome((int)response.StatusCode, RetryAfter(response), sentAt, Stopwatch.GetTimestamp());
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new Outcome(Outcome.NoAnswer, null, sentAt, Stopwatch.GetTimestamp());
        }
    }

    public void Dispose() => _http.Dispose();

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };
}
