namespace ResNetService.Api.Problems;

/// <summary>Every kind of problem the service answers with. The slugs are part of the public API.</summary>
public static class ProblemKinds
{
    public static readonly ProblemKind NotAnImage =
        new("not-an-image", StatusCodes.Status400BadRequest, "The file is not an image, or it is corrupt or truncated.");

    public static readonly ProblemKind UnsupportedMediaType =
        new("unsupported-media-type", StatusCodes.Status415UnsupportedMediaType, "The content type or image format is not supported.");

    public static readonly ProblemKind RequestTooLarge =
        new("request-too-large", StatusCodes.Status413PayloadTooLarge, "The request body is too large.");

    public static readonly ProblemKind TooManyPixels =
        new("too-many-pixels", StatusCodes.Status413PayloadTooLarge, "The image has too many pixels.");

    public static readonly ProblemKind TooManyFiles =
        new("too-many-files", StatusCodes.Status400BadRequest, "The request has too many files.");

    public static readonly ProblemKind MissingImage =
        new("missing-image", StatusCodes.Status400BadRequest, "The request carries no image.");

    public static readonly ProblemKind BadParameter =
        new("bad-parameter", StatusCodes.Status400BadRequest, "A request parameter is not valid.");

    public static readonly ProblemKind UnknownClass =
        new("unknown-class", StatusCodes.Status400BadRequest, "The model has no such class.");

    public static readonly ProblemKind OutputUnavailable =
        new("output-unavailable", StatusCodes.Status400BadRequest, "The model cannot give this output.");

    public static readonly ProblemKind Overloaded =
        new("overloaded", StatusCodes.Status503ServiceUnavailable, "The service is busy; try again shortly.");

    public static readonly ProblemKind QueueTimeout =
        new("queue-timeout", StatusCodes.Status503ServiceUnavailable, "The request waited too long for the model; try again shortly.");

    public static readonly ProblemKind RateLimited =
        new("rate-limited", StatusCodes.Status429TooManyRequests, "Too many requests from this client; slow down.");

    public static readonly ProblemKind ModelNotFound =
        new("model-not-found", StatusCodes.Status404NotFound, "There is no such model or model version.");

    public static readonly ProblemKind NotReady =
        new("not-ready", StatusCodes.Status503ServiceUnavailable, "The model is not loaded yet; try again shortly.");

    public static readonly ProblemKind InternalError =
        new("internal-error", StatusCodes.Status500InternalServerError, "An unexpected error occurred.");

    public static IReadOnlyList<ProblemKind> All { get; } =
    [
        NotAnImage, UnsupportedMediaType, RequestTooLarge, TooManyPixels, TooManyFiles,
        MissingImage, BadParameter, UnknownClass, OutputUnavailable, Overloaded, QueueTimeout, RateLimited, ModelNotFound, NotReady, InternalError,
    ];
}
