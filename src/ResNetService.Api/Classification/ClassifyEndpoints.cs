using Microsoft.AspNetCore.Http.HttpResults;
using ResNetService.Api.OpenApi;
using ResNetService.Api.Problems;
using ResNetService.Api.RateLimiting;
using ResNetService.Api.Uploads;
using ResNetService.Api.Models;
using ResNetService.Inference.Classification;

namespace ResNetService.Api.Classification;

/// <summary>
/// <c>POST /classify</c> (one image) and <c>POST /classify/batch</c> (several images, one model run) on the default model,
/// and the same on any model of the repository: <c>/models/{name}[/versions/{version}]/classify[/batch]</c>; each
/// reaches its model through a lease (<see cref="TargetModel"/>).
/// </summary>
public static class ClassifyEndpoints
{
    public static IEndpointRouteBuilder MapClassifyEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var prefix in TargetModel.RoutePrefixes)
        {
            var isDefault = prefix.Length == 0;
            var group = routes.MapGroup(prefix)
                .WithTags(isDefault ? "Classification" : "Models")
                .DisableAntiforgery() // Uploads come from scripts and Swagger UI, not from forms this service renders.
                .RequireRateLimiting(RateLimitingSetup.Policy)
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
                .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
            var model = isDefault ? "" : " with a model of the repository";
            var classify = group.MapPost("/classify", ClassifyAsync)
                .WithSummary($"Classify one image{model}")
                .WithDescription(
                    $"Send the image as multipart field '{ImageUploadReader.SingleField}', or as the raw body with an image/* " +
                    "content type. `top` (default 5) is how many classes to return, 1 to the model's class count.")
                .WithMetadata(new ImageUploadMetadata(ImageUploadReader.SingleField, Multiple: false, RawBody: true));
            var batch = group.MapPost("/classify/batch", ClassifyBatchAsync)
                .WithSummary($"Classify several images together{model}")
                .WithDescription(
                    $"Send the images as multipart field '{ImageUploadReader.BatchField}' (repeat it per file). They run as " +
                    "one batch; a bad image gets its own problem details and does not fail the others.")
                .WithMetadata(new ImageUploadMetadata(ImageUploadReader.BatchField, Multiple: true, RawBody: false));
            if (isDefault)
            {
                classify.WithName("Classify");
                batch.WithName("ClassifyBatch");
            }
            else
            {
                group.ProducesProblem(StatusCodes.Status404NotFound);
            }
        }

        return routes;
    }

    public static async Task<Results<Ok<ClassificationResponse>, ProblemHttpResult>> ClassifyAsync(
        int? top, HttpRequest request, TargetModel target, ImageUploadReader uploads, CancellationToken cancellationToken)
    {
        var classifier = target.Classifier;
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
        int? top, HttpContext httpContext, TargetModel target, ImageUploadReader uploads,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var classifier = target.Classifier;
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
