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

    /// <param name="refusal">
    /// True for a refusal the client should back off from (the queue or memory is full, the client is over its rate):
    /// held by <see cref="Overload.SlowRefusals"/> before it is sent.
    /// </param>
    public static void Mark(HttpContext httpContext, bool refusal) => httpContext.Items[Key] = refusal;

    /// <summary>Whether this request is being refused for overload or its rate (see <see cref="Mark"/>).</summary>
    public static bool IsRefusal(HttpContext httpContext) => httpContext.Items.TryGetValue(Key, out var refusal) && refusal is true;

    /// <summary>Whether this request was answered 503 or 429 for one of those reasons.</summary>
    public static bool IsMarked(HttpContext httpContext) =>
        httpContext.Response.StatusCode is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status429TooManyRequests
        && httpContext.Items.ContainsKey(Key);
}
