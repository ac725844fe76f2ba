using Google.Protobuf;
using Google.Rpc;
using ResNetService.Api.RateLimiting;

namespace ResNetService.Api.Grpc;

/// <summary>
/// A rate-limit refusal of a gRPC call, written before the call reaches the service: a trailers-only answer with
/// RESOURCE_EXHAUSTED (a per-client quota, in gRPC's words) and <c>google.rpc.RetryInfo</c> in its details.
/// </summary>
public sealed class GrpcRefusals : IRefusalWriter
{
    public Task WriteAsync(HttpContext httpContext, string detail, TimeSpan retryAfter)
    {
        var status = GrpcErrors.Status(Code.ResourceExhausted, detail, retryAfter);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK; // gRPC carries its status in grpc-status
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = status.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(detail);
        response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
        return Task.CompletedTask;
    }
}
