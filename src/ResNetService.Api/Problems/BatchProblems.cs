using Microsoft.AspNetCore.Mvc;
using ResNetService.Inference;

namespace ResNetService.Api.Problems;

/// <summary>The problem details of one refused image inside a batch answer, logged as a whole request's would be.</summary>
public static class BatchProblems
{
    public static ProblemDetails ForImage(int index, string fileName, ImageRejectedException rejection, HttpContext httpContext, ILogger logger)
    {
        var problem = ProblemDetailsSetup.Decorate(
            ExceptionProblems.Kind(rejection.Problem).ToProblemDetails($"File {index} ('{fileName}'): {rejection.Message}"),
            httpContext);
        ProblemDetailsSetup.LogProblem(logger, httpContext, problem);
        return problem;
    }
}
