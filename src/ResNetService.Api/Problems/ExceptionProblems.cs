using ResNetService.Inference;

namespace ResNetService.Api.Problems;

/// <summary>What a client is told about an exception: the kind, a detail safe to show, and when to retry.</summary>
public readonly record struct ExceptionProblem(ProblemKind Kind, string Detail, TimeSpan? RetryAfter = null);

/// <summary>Maps the exceptions the service knows to problem kinds; everything else is an internal error.</summary>
public static class ExceptionProblems
{
    public static ExceptionProblem Describe(Exception exception) => exception switch
    {
        ApiProblemException api => new(api.Kind, api.Message),
        ImageRejectedException rejected => new(Kind(rejected.Problem), rejected.Message),
        OverloadedException overloaded => new(ProblemKinds.Overloaded, overloaded.Message, overloaded.RetryAfter),
        QueueTimeoutException timedOut => new(ProblemKinds.QueueTimeout, timedOut.Message, timedOut.RetryAfter),
        TooManyRowsException tooMany => new(ProblemKinds.TooManyFiles, tooMany.Message),
        UnknownClassException unknownClass => new(ProblemKinds.UnknownClass, unknownClass.Message),
        OutputUnavailableException unavailable => new(ProblemKinds.OutputUnavailable, unavailable.Message),
        ModelNotFoundException notFound => new(ProblemKinds.ModelNotFound, notFound.Message),
        ModelNotReadyException notReady => new(ProblemKinds.NotReady, notReady.Message, TimeSpan.FromSeconds(5)),

        // Kestrel's body size limit, and the framework's own binding failures (e.g. `top=abc`).
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            new(ProblemKinds.RequestTooLarge, "The request body exceeds the configured limit."),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } bad =>
            new(ProblemKinds.UnsupportedMediaType, bad.Message),
        BadHttpRequestException bad => new(ProblemKinds.BadParameter, bad.Message),

        InvalidDataException invalid when IsFormLimit(invalid) =>
            new(ProblemKinds.RequestTooLarge, "The form exceeds the configured size limits."),

        _ => new(ProblemKinds.InternalError, "The request could not be completed. Quote the request id when reporting this."),
    };

    /// <summary>
    /// The form reader reports its limits (multipart body length, value count, header size) as InvalidDataException
    /// with "limit" in the message, and malformed bodies with the same type: the message is the only difference. A
    /// boundary over its length limit is a malformed header, not a large body.
    /// </summary>
    public static bool IsFormLimit(InvalidDataException exception) =>
        exception.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
        && !exception.Message.Contains("boundary", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The multipart reader reports a body that ends before its closing boundary (a part's headers and then nothing,
    /// a file cut short, no closing boundary) as a plain IOException "Unexpected end of Stream". Any other IOException
    /// (a temporary file that cannot be written, say) stays the service's own fault.
    /// </summary>
    public static bool IsTruncatedBody(IOException exception) =>
        exception.GetType() == typeof(IOException)
        && exception.Message.StartsWith("Unexpected end of Stream", StringComparison.OrdinalIgnoreCase);

    public static ProblemKind Kind(ImageProblem problem) => problem switch
    {
        ImageProblem.NotAnImage or ImageProblem.Corrupt => ProblemKinds.NotAnImage,
        ImageProblem.UnsupportedFormat => ProblemKinds.UnsupportedMediaType,
        ImageProblem.TooManyPixels => ProblemKinds.TooManyPixels,
        ImageProblem.TooManyBytes => ProblemKinds.RequestTooLarge,
        _ => ProblemKinds.NotAnImage,
    };
}
