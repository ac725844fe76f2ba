using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ResNetService.Api.Tests.Support;

/// <summary>
/// Counts the body bytes the service reads of each request marked with <see cref="Header"/> (its value names the
/// request), so that a test can show that a refused request was answered without reading its body.
/// </summary>
public sealed class BodyReads : IStartupFilter
{
    public const string Header = "X-Test-Request";

    private readonly ConcurrentDictionary<string, long> _bytes = new();

    /// <summary>Bytes read of the request named <paramref name="request"/>; null when it never reached the service.</summary>
    public long? Of(string request) => _bytes.TryGetValue(request, out var bytes) ? bytes : null;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var name) && name.ToString() is { Length: > 0 } request)
            {
                _bytes[request] = 0;
                context.Request.Body = new CountingStream(context.Request.Body, read => _bytes.AddOrUpdate(request, read, (_, total) => total + read));
            }

            await nextMiddleware(context);
        });
        next(app);
    };

    private sealed class CountingStream(Stream inner, Action<int> counted) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            counted(read);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            counted(read);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
