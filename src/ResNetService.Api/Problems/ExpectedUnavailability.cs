namespace ResNetService.Api.Problems;

/// <summary>
/// A 503 for overload or a model not loaded yet is an expected, counted event, not a fault: under load it can happen
/// thousands of times a second, so it is logged at Debug (by the problem details and by request logging), not once
/// per request as a warning and an error. The answer marks the request, so that request logging can tell it apart.
/// </summary>
public static class ExpectedUnavailability
{
    private static readonly object Key = new();

    public static bool IsExpected(string? problemType) =>
        problemType == ProblemKinds.Overloaded.Type || problemType == ProblemKinds.NotReady.Type;

    public static void Mark(HttpContext httpContext) => httpContext.Items[Key] = true;

    /// <summary>Whether this request was answered 503 for overload or a model not ready.</summary>
    public static bool IsMarked(HttpContext httpContext) =>
        httpContext.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && httpContext.Items.ContainsKey(Key);
}
