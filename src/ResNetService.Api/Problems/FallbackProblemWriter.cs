using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace ResNetService.Api.Problems;

/// <summary>
/// Writes problem details as <c>application/problem+json</c> when the request's Accept header names no JSON type
/// (<c>text/html</c>, say). The framework's writer declines those, which leaves the error with an empty body and, as
/// the problem is then neither logged nor marked, an overload 503 logged as an error per request. Registered after
/// the framework's writer: it takes only what that one declines.
/// </summary>
public sealed class FallbackProblemWriter(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var httpContext = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= httpContext.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(httpContext.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json"));
    }
}
