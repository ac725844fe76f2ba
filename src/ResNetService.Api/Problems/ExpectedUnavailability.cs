namespace ResNetService.Api.Problems;

/// <summary>
/// A 503 for overload, a queue deadline or a model not loaded yet, and a 429 from the rate limiter, are expected,
/// counted events, not faults: under load they can happen thousands of times a second, so they are logged at Debug (by
/// the problem details and by request logging), not once per request as a warning and an error. The answer marks the
/// request, so that request logging can tell it apart.
/// </summary>
public static class ExpectedUnavailability
{
    private static readonly object Key = new();

    public static bool IsExpected(string? problemType) =>
        problemType == ProblemKinds.Overloaded.Type || problemType == ProblemKinds.QueueTimeout.Type
        || problemType == ProblemKinds.NotReady.Type || problemType == ProblemKinds.RateLimited.Type;

    public static void Mark(HttpContext httpContext) => httpContext.Items[Key] = true;

    /// <summary>Whether this request was answered 503 or 429 for one of those reasons.</summary>
    public static bool IsMarked(HttpContext httpContext) =>
        httpContext.Response.StatusCode is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status429TooManyRequests
        && httpContext.Items.ContainsKey(Key);
}
