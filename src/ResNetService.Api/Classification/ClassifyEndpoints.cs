using Microsoft.AspNetCore.Http.HttpResults;
using ResNetService.Api.OpenApi;
using ResNetService.Api.Problems;
using ResNetService.Api.RateLimiting;
using ResNetService.Api.Uploads;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Repository;

namespace ResNetService.Api.Classification;

/// <summary>
/// <c>POST /classify</c> (one image) and <c>POST /classify/batch</c> (several images, one model run) on the default model,
/// and the same on any model of the repository: <c>/models/{name}[/versions/{version}]/classify[/batch]</c>.
/// </summary>
public static class ClassifyEndpoints
{
    public static IEndpointRouteBuilder MapClassifyEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/classify")
            .WithTags("Classification")
            .DisableAntiforgery() // Uploads come from scripts and Swagger UI, not from forms this service renders.
            .RequireRateLimiting(RateLimitingSetup.Policy)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("", ClassifyAsync)
            .WithName("Classify")
            .WithSummary("Classify one image")
            .WithDescription(
                $"Send the image as multipart field '{ImageUploadReader.SingleField}', or as the raw body with an image/* " +
                "content type. `top` (default 5) is how many classes to return, 1 to the model's class count.")
            .WithMetadata(new ImageUploadMetadata(ImageUploadReader.SingleField, Multiple: false, RawBody: true));

        group.MapPost("/batch", ClassifyBatchAsync)
            .WithName("ClassifyBatch")
            .WithSummary("Classify several images together")
            .WithDescription(
                $"Send the images as multipart field '{ImageUploadReader.BatchField}' (repeat it per file). They run as " +
                "one batch; a bad image gets its own problem details and does not fail the others.")
            .WithMetadata(new ImageUploadMetadata(ImageUploadReader.BatchField, Multiple: true, RawBody: false));

        MapModelRoutes(routes.MapGroup("/models/{name}"), "its latest ready version", ClassifyModelAsync, ClassifyModelBatchAsync);
        MapModelRoutes(routes.MapGroup("/models/{name}/versions/{version:long}"), "the version named",
            ClassifyModelVersionAsync, ClassifyModelVersionBatchAsync);
        return routes;
    }

    /// <summary>The same two routes for a model of the repository by name (404 problem details for an unknown one).</summary>
    private static void MapModelRoutes(RouteGroupBuilder group, string which, Delegate classify, Delegate classifyBatch)
    {
        group.WithTags("Models")
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimitingSetup.Policy)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/classify", classify)
            .WithSummary($"Classify one image with a model of the repository ({which})")
            .WithMetadata(new ImageUploadMetadata(ImageUploadReader.SingleField, Multiple: false, RawBody: true));
        group.MapPost("/classify/batch", classifyBatch)
            .WithSummary($"Classify several images together with a model of the repository ({which})")
            .WithMetadata(new ImageUploadMetadata(ImageUploadReader.BatchField, Multiple: true, RawBody: false));
    }

    // The per-model routes hold the session they start on (a lease) until they answer, so a reload cannot pull it away.
    public static async Task<Results<Ok<ClassificationResponse>, ProblemHttpResult>> ClassifyModelAsync(
        string name, int? top, HttpRequest request, ModelRepository repository, ImageUploadReader uploads, CancellationToken cancellationToken)
    {
        using var lease = repository.Acquire(name, null);
        return await ClassifyAsync(top, request, lease.Classifier, uploads, cancellationToken);
    }

    public static async Task<Results<Ok<ClassificationResponse>, ProblemHttpResult>> ClassifyModelVersionAsync(
        string name, long version, int? top, HttpRequest request, ModelRepository repository, ImageUploadReader uploads,
        CancellationToken cancellationToken)
    {
        using var lease = repository.Acquire(name, version);
        return await ClassifyAsync(top, request, lease.Classifier, uploads, cancellationToken);
    }

    public static async Task<Results<Ok<BatchClassificationResponse>, ProblemHttpResult>> ClassifyModelBatchAsync(
        string name, int? top, HttpContext httpContext, ModelRepository repository, ImageUploadReader uploads, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        using var lease = repository.Acquire(name, null);
        return await ClassifyBatchAsync(top, httpContext, lease.Classifier, uploads, loggers, cancellationToken);
    }

    public static async Task<Results<Ok<BatchClassificationResponse>, ProblemHttpResult>> ClassifyModelVersionBatchAsync(
        string name, long version, int? top, HttpContext httpContext, ModelRepository repository, ImageUploadReader uploads,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var lease = repository.Acquire(name, version);
        return await ClassifyBatchAsync(top, httpContext, lease.Classifier, uploads, loggers, cancellationToken);
    }

    public static async Task<Results<Ok<ClassificationResponse>, ProblemHttpResult>> ClassifyAsync(
        int? top, HttpRequest request, IImageClassifier classifier, ImageUploadReader uploads, CancellationToken cancellationToken)
    {
        var model = classifier.Info;
        if (!TopK.TryResolve(top, model.Classes, out var topK, out var problem))
        {
            return problem!;
        }

        classifier.EnsureRoom(1); // A full queue refuses before the body is read: refusing costs next to nothing.
        var image = await uploads.ReadSingleAsync(request, cancellationToken);
        var result = await classifier.ClassifyAsync(image.Bytes, topK, cancellationToken);
        return TypedResults.Ok(ClassificationResponse.From(model.Name, result));
    }

    public static async Task<Results<Ok<BatchClassificationResponse>, ProblemHttpResult>> ClassifyBatchAsync(
        int? top, HttpContext httpContext, IImageClassifier classifier, ImageUploadReader uploads,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var model = classifier.Info;
        if (!TopK.TryResolve(top, model.Classes, out var topK, out var problem))
        {
            return problem!;
        }

        // Refused before the body is read when not even one image fits; the classifier checks them all before decoding.
        classifier.EnsureRoom(1);
        var images = await uploads.ReadBatchAsync(httpContext.Request, cancellationToken);
        var results = await classifier.ClassifyBatchAsync(
            images.Select(image => (ReadOnlyMemory<byte>)image.Bytes).ToList(), topK, cancellationToken);

        var logger = loggers.CreateLogger(typeof(ClassifyEndpoints).FullName!);
        var items = results.Select((result, index) =>
            ToItem(index, images[index].Name, result, httpContext, logger)).ToList();
        var inferenceMs = results
            .Select(r => r.Classification?.InferenceTime.TotalMilliseconds ?? 0)
            .DefaultIfEmpty(0)
            .Max();

        return TypedResults.Ok(new BatchClassificationResponse(
            model.Name, items.Count, items.Count(i => i.Problem is null), inferenceMs, items));
    }

    private static BatchItemResponse ToItem(int index, string fileName, BatchItemResult result, HttpContext httpContext, ILogger logger)
    {
        if (result.Classification is { } classification)
        {
            return new BatchItemResponse(index, fileName, PredictionResponse.From(classification.Predictions),
                classification.PreprocessingTime.TotalMilliseconds);
        }

        return new BatchItemResponse(index, fileName, Problem: BatchProblems.ForImage(index, fileName, result.Rejection!, httpContext, logger));
    }
}
