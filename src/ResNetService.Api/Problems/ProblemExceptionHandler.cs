using Microsoft.AspNetCore.Diagnostics;

namespace ResNetService.Api.Problems;

/// <summary>
/// Turns every exception that escapes an endpoint into problem details: known failures get their own kind,
/// anything else a bare 500. The exception text of an unknown failure is logged, never sent.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true; // The client went away: nobody is left to answer.
        }

        var problem = ExceptionProblems.Describe(exception);
        if (problem.Kind == ProblemKinds.InternalError)
        {
            logger.LogError(exception, "Request {RequestId} failed unexpectedly", httpContext.TraceIdentifier);
        }

        httpContext.Response.StatusCode = problem.Kind.Status;
        if (problem.RetryAfter is { } retryAfter)
        {
            RetryAfterHeader.Set(httpContext.Response, retryAfter);
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem.Kind.ToProblemDetails(problem.Detail),
            Exception = exception,
        });
    }
}
