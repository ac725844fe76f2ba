namespace ResNetService.Api.Problems;

/// <summary>A request the API itself refuses (before any model work): mapped to its problem details by <see cref="ProblemExceptionHandler"/>.</summary>
public sealed class ApiProblemException(ProblemKind kind, string detail) : Exception(detail)
{
    public ProblemKind Kind { get; } = kind;
}
