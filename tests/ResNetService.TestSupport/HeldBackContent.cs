using System.Net;
using System.Net.Http.Headers;

namespace ResNetService.TestSupport;

/// <summary>
/// A request body held back until the test calls <see cref="Release"/>: the request is in flight on the server (its
/// handler waits for the body) for as long as the test needs, whatever the speed of the machine. The length is declared
/// up front, so the server knows the body is not complete.
/// </summary>
/// <remarks>
/// Kestrel cuts off a body that arrives slower than 240 bytes/s (MinRequestBodyDataRate, after a 5 s grace), so while
/// held the body trickles in, <see cref="PieceBytes"/> every <see cref="PieceInterval"/> (5 KB/s), keeping its last byte
/// back: a body of N bytes can be held about N / 5 KB seconds (a 400 x 400 noise PNG, 640 KB: two minutes).
/// </remarks>
public sealed class HeldBackContent : HttpContent
{
    public const int PieceBytes = 1024;
    public static readonly TimeSpan PieceInterval = TimeSpan.FromMilliseconds(200);

    private readonly byte[] _body;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeldBackContent(byte[] body, string contentType)
    {
        if (body.Length < 2)
        {
            throw new ArgumentException("A body to hold back needs at least two bytes.", nameof(body));
        }

        _body = body;
        Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
    }

    /// <summary>Completes once the headers and the first piece are sent: the connection is open and the request begun.</summary>
    public Task Started => _started.Task;

    /// <summary>Sends the rest of the body.</summary>
    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var held = _body.Length - 1;
        var sent = 0;
        do
        {
            var piece = Math.Min(PieceBytes, held - sent);
            await stream.WriteAsync(_body.AsMemory(sent, piece));
            await stream.FlushAsync();
            sent += piece;
            _started.TrySetResult();
        }
        while (sent < held && await Task.WhenAny(_release.Task, Task.Delay(PieceInterval)) != _release.Task);

        await _release.Task;
        await stream.WriteAsync(_body.AsMemory(sent));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}
