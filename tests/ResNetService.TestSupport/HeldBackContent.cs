using System.Net;
using System.Net.Http.Headers;

namespace ResNetService.TestSupport;

/// <summary>
/// A request body sent in two parts: the first at once, the rest when the test calls <see cref="Release"/>. Until then
/// the request is in flight on the server (its handler waits for the body), for as long as the test needs, whatever
/// the speed of the machine. The length is declared up front, so the server knows the body is not complete.
/// </summary>
public sealed class HeldBackContent : HttpContent
{
    private readonly byte[] _body;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeldBackContent(byte[] body, string contentType)
    {
        if (body.Length < 2)
        {
            throw new ArgumentException("A body to hold back needs at least two bytes.", nameof(body));
        }

        _body = body;
        Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
    }

    /// <summary>Sends the rest of the body.</summary>
    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var half = _body.Length / 2;
        await stream.WriteAsync(_body.AsMemory(0, half));
        await stream.FlushAsync();
        await _release.Task;
        await stream.WriteAsync(_body.AsMemory(half));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}
