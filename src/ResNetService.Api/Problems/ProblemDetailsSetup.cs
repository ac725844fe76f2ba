using Microsoft.AspNetCore.Mvc;
using ResNetService.Api.Telemetry;

namespace ResNetService.Api.Problems;

/// <summary>Problem details for every error: request id and trace id in each, and each one logged once.</summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddServiceProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            Decorate(context.ProblemDetails, context.HttpContext);
            // Every problem the service writes passes here, so this is the one place that logs them.
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>()
                .CreateLogger(typeof(ProblemDetailsSetup).FullName!);
            LogProblem(logger, context.HttpContext, context.ProblemDetails);
        });
        services.AddSingleton<IProblemDetailsWriter, FallbackProblemWriter>(); // after the framework's own writer
        services.AddExceptionHandler<ProblemExceptionHandler>();

        // Binding failures (a non-number `top`) throw, so that they reach the handler and become problem details.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>Adds the ids a person needs to find the request in the logs.</summary>
    public static ProblemDetails Decorate(ProblemDetails problem, HttpContext httpContext)
    {
        problem.Instance ??= httpContext.Request.Path;
        problem.Extensions["requestId"] = httpContext.TraceIdentifier;
        problem.Extensions["traceId"] = RequestTrace.Id(httpContext);
        return problem;
    }

    /// <summary>
    /// Logs a problem as a warning, except overload and not-ready (expected under load, see
    /// <see cref="ExpectedUnavailability"/>): those at Debug, and the request is marked for request logging.
    /// </summary>
    public static void LogProblem(ILogger logger, HttpContext httpContext, ProblemDetails problem)
    {
        var level = LogLevel.Warning;
        if (ExpectedUnavailability.IsExpected(problem.Type))
        {
            ExpectedUnavailability.Mark(httpContext, refusal: problem.Type == ProblemKinds.Overloaded.Type);
            level = LogLevel.Debug;
        }

        logger.Log(level,
            "Request {RequestId} {RequestMethod} {RequestPath} answered {StatusCode} {ProblemType}: {ProblemDetail}",
            httpContext.TraceIdentifier, httpContext.Request.Method, httpContext.Request.Path,
            problem.Status, problem.Type, problem.Detail);
    }
}
