using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ResNetService.Api.Problems;
using ResNetService.Api.V2;

namespace ResNetService.Api.RateLimiting;

/// <summary>
/// Per-client rate limiting of the routes that run the model (<see cref="Policy"/>), keyed by the client address that
/// <c>Proxies/TrustedProxiesSetup</c> settles. Over the limit: 429 with Retry-After, as problem details (the protocol's
/// error object on /v2, gRPC's status where the endpoint has an <see cref="IRefusalWriter"/>), logged at Debug like overload. When <see cref="ClientRateLimits.Enabled"/> is false the
/// policy lets everything through.
/// </summary>
public static class RateLimitingSetup
{
    public const string Policy = "per-client";

    public static IServiceCollection AddClientRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<ClientRateLimits>()
            .BindConfiguration(ClientRateLimits.SectionName)
            .ValidateDataAnnotations()
            .Validate(limits => limits.ReplenishmentPeriod > TimeSpan.Zero && limits.ReplenishmentPeriod <= TimeSpan.FromDays(1),
                $"{ClientRateLimits.SectionName}:{nameof(ClientRateLimits.ReplenishmentPeriod)} must be between 0 (excluded) and 1 day (e.g. 00:00:01).")
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ClientRateLimits>>((limiter, options) =>
        {
            var limits = options.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, httpContext => limits.Enabled
                ? RateLimitPartition.GetTokenBucketLimiter(ClientKey(httpContext), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.TokenLimit,
                    TokensPerPeriod = limits.TokensPerPeriod,
                    ReplenishmentPeriod = limits.ReplenishmentPeriod,
                    QueueLimit = limits.QueueLimit,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    AutoReplenishment = true,
                })
                : RateLimitPartition.GetNoLimiter(string.Empty));
            limiter.OnRejected = (context, cancellationToken) => RejectAsync(context, limits, cancellationToken);
        });
        return services;
    }

    /// <summary>After routing (the policy is endpoint metadata), before the endpoints.</summary>
    public static IApplicationBuilder UseClientRateLimiting(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>
    /// The client's address; an IPv6 client by its /64 network, which one subscriber usually holds whole (limiting
    /// single addresses would let it take a fresh one per request).
    /// </summary>
    public static string ClientKey(HttpContext httpContext)
    {
        var address = httpContext.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        bytes.AsSpan(8).Clear(); // the interface half
        return new IPAddress(bytes) + "/64";
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, ClientRateLimits limits, CancellationToken cancellationToken)
    {
        var httpContext = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limits.ReplenishmentPeriod;
        RetryAfterHeader.Set(httpContext.Response, retryAfter);
        var detail = $"This client sent more than {limits.TokenLimit} requests at once or {limits.TokensPerPeriod} per " +
            $"{limits.ReplenishmentPeriod.TotalSeconds:0.###} s; retry after the time in Retry-After.";
        if (httpContext.GetEndpoint()?.Metadata.GetMetadata<IRefusalWriter>() is { } writer)
        {
            ExpectedUnavailability.Mark(httpContext, refusal: true);
            await writer.WriteAsync(httpContext, detail, retryAfter);
            return;
        }

        if (httpContext.Request.Path.StartsWithSegments("/v2"))
        {
            ExpectedUnavailability.Mark(httpContext, refusal: true);
            httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimitingSetup).FullName!)
                .LogDebug("Request {RequestId} {RequestMethod} {RequestPath} answered 429: {Error}",
                    httpContext.TraceIdentifier, httpContext.Request.Method, httpContext.Request.Path, detail);
            await httpContext.Response.WriteAsJsonAsync(new V2Error(detail), cancellationToken);
            return;
        }

        // Problem details log it (at Debug: an expected event) and mark it for request logging.
        await httpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = ProblemKinds.RateLimited.ToProblemDetails(detail),
        });
    }
}
