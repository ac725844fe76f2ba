using System.Text.Json;
using System.Text.Json.Serialization;
using ResNetService.Api.Problems;
using ResNetService.Inference;

namespace ResNetService.Api.V2;

/// <summary>The protocol's error object: <c>{"error": "..."}</c>.</summary>
public sealed record V2Error([property: JsonPropertyName("error")] string Error);

/// <summary>A V2 request the service refuses, with the status to answer (400 unless said otherwise).</summary>
public sealed class V2Exception(string message, int status = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int Status { get; } = status;

    public static V2Exception NotFound(string message) => new(message, StatusCodes.Status404NotFound);
}

/// <summary>
/// Every failure on a V2 route as the protocol's error object, with the REST routes' statuses: 404 unknown model,
/// 400 anything malformed (a bad image too), 413 a body over V2:MaxRequestBytes, 503 + Retry-After overloaded, timed
/// out in the queue or not ready, 500 (details only in the log) anything unexpected.
/// </summary>
public static class V2Errors
{
    /// <summary>Wraps the V2 routes: exceptions become error objects (a client that went away gets nothing).</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;
        try
        {
            return await next(context);
        }
        catch (Exception exception) when (!(exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested))
        {
            return Describe(exception, httpContext);
        }
    }

    public static IResult Describe(Exception exception, HttpContext httpContext)
    {
        var logger = httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(V2Errors).FullName!);
        var (status, message, retryAfter) = exception switch
        {
            V2Exception v2 => (v2.Status, v2.Message, (TimeSpan?)null),
            ImageRejectedException rejected => (StatusCodes.Status400BadRequest, rejected.Message, null),
            JsonException json => (StatusCodes.Status400BadRequest, $"The request is not valid JSON: {json.Message}", null),
            OverloadedException overloaded => (StatusCodes.Status503ServiceUnavailable, overloaded.Message, overloaded.RetryAfter),
            QueueTimeoutException timedOut => (StatusCodes.Status503ServiceUnavailable, timedOut.Message, timedOut.RetryAfter),
            TooManyRowsException tooMany => (StatusCodes.Status400BadRequest, tooMany.Message, null),
            ModelNotFoundException notFound => (StatusCodes.Status404NotFound, notFound.Message, null),
            ModelControlConflictException conflict => (StatusCodes.Status409Conflict, conflict.Message, null),
            ModelNotReadyException notReady => (StatusCodes.Status503ServiceUnavailable, notReady.Message, TimeSpan.FromSeconds(5)),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (StatusCodes.Status413PayloadTooLarge, "The request body exceeds the configured limit (V2:MaxRequestBytes).", null),
            BadHttpRequestException bad => (StatusCodes.Status400BadRequest, bad.Message, null),
            _ => (StatusCodes.Status500InternalServerError, "The request could not be completed. Quote the request id when reporting this.", null),
        };
        if (status == StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Request {RequestId} failed unexpectedly", httpContext.TraceIdentifier);
        }
        else
        {
            // Overload, queue deadlines and not-ready are expected under load: Debug, and request logging is told (ExpectedUnavailability).
            var expected = exception is OverloadedException or QueueTimeoutException or ModelNotReadyException;
            if (expected)
            {
                ExpectedUnavailability.Mark(httpContext, refusal: exception is OverloadedException);
            }

            logger.Log(expected ? LogLevel.Debug : LogLevel.Warning,
                "Request {RequestId} {RequestMethod} {RequestPath} answered {StatusCode}: {Error}",
                httpContext.TraceIdentifier, httpContext.Request.Method, httpContext.Request.Path, status, message);
        }

        if (retryAfter is { } delay)
        {
            RetryAfterHeader.Set(httpContext.Response, delay);
        }

        return TypedResults.Json(new V2Error(message), statusCode: status);
    }
}
