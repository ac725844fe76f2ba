using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http.Features;

namespace ResNetService.Api.V2;

/// <summary>
/// An inference request's body in one pooled buffer (returned on dispose), split into the JSON header and the binary
/// tensor data after it (empty without <c>Inference-Header-Content-Length</c>).
/// </summary>
public sealed class V2RequestBody : IDisposable
{
    private byte[]? _buffer;

    private V2RequestBody(byte[] buffer, int length, int headerLength)
    {
        _buffer = buffer;
        Json = buffer.AsMemory(0, headerLength);
        Binary = buffer.AsMemory(headerLength, length - headerLength);
    }

    /// <summary>A request that arrived already split (gRPC): no JSON header, and the input's raw bytes as its binary data.</summary>
    public V2RequestBody(ReadOnlyMemory<byte> binary)
    {
        Json = ReadOnlyMemory<byte>.Empty;
        Binary = binary;
    }

    public ReadOnlyMemory<byte> Json { get; }

    public ReadOnlyMemory<byte> Binary { get; }

    /// <summary>Reads the whole body, at most <paramref name="maxBytes"/> (also given to the server as this request's limit).</summary>
    /// <exception cref="V2Exception">Too large (413), empty, or a header length that does not fit the body (400).</exception>
    public static async Task<V2RequestBody> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 64 * 1024, maxBytes) + 1);
        var length = 0;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
                if (length > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            if (length == 0)
            {
                throw new V2Exception("The request body is empty; send an inference request object.");
            }

            return new V2RequestBody(buffer, length, HeaderLength(request, length));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static int HeaderLength(HttpRequest request, int bodyLength)
    {
        if (!request.Headers.TryGetValue(BinaryTensorData.HeaderName, out var values))
        {
            return bodyLength;
        }

        if (values.Count != 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var headerLength) || headerLength < 1)
        {
            throw new V2Exception($"{BinaryTensorData.HeaderName} must be one positive integer, not '{values}'.");
        }

        return headerLength <= bodyLength
            ? headerLength
            : throw new V2Exception($"{BinaryTensorData.HeaderName} is {headerLength}, but the body has only {bodyLength} bytes.");
    }

    private static V2Exception TooLarge(long maxBytes) =>
        new($"The request body exceeds the limit of {maxBytes} bytes (V2:MaxRequestBytes); send large batches in smaller requests.",
            StatusCodes.Status413PayloadTooLarge);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
