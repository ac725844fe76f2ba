using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace ResNetService.Api.Telemetry;

/// <summary>The trace a request belongs to, as one id a person can look up in the logs and in a tracing backend.</summary>
public static class RequestTrace
{
    /// <summary>
    /// The W3C trace id (32 lowercase hex digits) of the request: the <c>TraceId</c> of its log events, and what tracing
    /// backends search by. The request id stands in when the request has no activity (nothing listens to it).
    /// </summary>
    public static string Id(HttpContext httpContext) =>
        (Activity.Current ?? httpContext.Features.Get<IHttpActivityFeature>()?.Activity) is { IdFormat: ActivityIdFormat.W3C } activity
            ? activity.TraceId.ToHexString()
            : httpContext.TraceIdentifier;
}
