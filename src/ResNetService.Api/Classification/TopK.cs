using Microsoft.AspNetCore.Http.HttpResults;
using ResNetService.Api.Problems;

namespace ResNetService.Api.Classification;

/// <summary>The <c>top</c> query parameter: how many classes to answer with.</summary>
public static class TopK
{
    public const int Default = 5;

    /// <summary>The number of classes to return, or the problem to answer when <paramref name="top"/> is out of range.</summary>
    public static bool TryResolve(int? top, int classes, out int topK, out ProblemHttpResult? problem)
    {
        topK = top ?? Math.Min(Default, classes);
        problem = null;
        if (topK >= 1 && topK <= classes)
        {
            return true;
        }

        problem = TypedResults.Problem(ProblemKinds.BadParameter.ToProblemDetails(
            $"'top' must be between 1 and {classes} (the model's class count); got {top}."));
        return false;
    }
}
