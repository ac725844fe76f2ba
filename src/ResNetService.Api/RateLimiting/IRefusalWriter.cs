namespace ResNetService.Api.RateLimiting;

/// <summary>
/// How an endpoint's protocol words a rate-limit refusal, as endpoint metadata (e.g. gRPC's status instead of problem
/// details); endpoints without one get problem details.
/// </summary>
public interface IRefusalWriter
{
    Task WriteAsync(HttpContext httpContext, string detail, TimeSpan retryAfter);
}
