using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ResNetService.Api.V2;

namespace ResNetService.Api.ModelControl;

/// <summary>
/// The model control routes' gate and audit log: 403 while no key is configured, 401 without the key header, 403 with a
/// wrong key (compared in constant time), and one line per call with the caller's address and the outcome.
/// </summary>
public static class ModelControlAccess
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;
        var logger = httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ModelControlAccess).FullName!);
        var caller = httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var action = $"{httpContext.Request.Method} {httpContext.Request.Path}";
        var key = httpContext.RequestServices.GetRequiredService<IOptions<ModelControlOptions>>().Value.Key;
        var refusal = string.IsNullOrEmpty(key) ? (StatusCodes.Status403Forbidden, $"Model control is off: set {ModelControlOptions.SectionName}:{nameof(ModelControlOptions.Key)} to turn it on.")
            : !httpContext.Request.Headers.TryGetValue(ModelControlOptions.KeyHeader, out var given) || string.IsNullOrEmpty(given)
                ? (StatusCodes.Status401Unauthorized, $"Model control needs the key in the {ModelControlOptions.KeyHeader} header.")
            : !Matches(given.ToString(), key) ? (StatusCodes.Status403Forbidden, $"The {ModelControlOptions.KeyHeader} header does not hold the model control key.")
            : ((int, string)?)null;
        if (refusal is ({ } status, { } why))
        {
            logger.LogWarning("Model control {Action} from {Caller} refused ({StatusCode}): {Reason}", action, caller, status, why);
            return TypedResults.Json(new V2Error(why), statusCode: status);
        }

        var result = await next(context);
        var outcome = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        logger.Log(outcome < 400 ? LogLevel.Information : LogLevel.Warning,
            "Model control {Action} from {Caller} answered {StatusCode}", action, caller, outcome);
        return result;
    }

    /// <summary>Equal keys, compared in time that does not depend on where they differ (hashes even out the lengths).</summary>
    private static bool Matches(string given, string key) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
