using Microsoft.AspNetCore.Http.HttpResults;
using ResNetService.Api.Models;
using ResNetService.Api.OpenApi;
using ResNetService.Api.Problems;
using ResNetService.Api.RateLimiting;
using ResNetService.Api.Uploads;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Api.Embeddings;

/// <summary>
/// <c>POST /embed</c> and <c>POST /embed/batch</c>: the pooled embedding of images (the classifier's input), through
/// the same batcher as classification, on the default model or any model of the repository (see <see cref="TargetModel"/>).
/// </summary>
public static class EmbedEndpoints
{
    public static IEndpointRouteBuilder MapEmbedEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var prefix in TargetModel.RoutePrefixes)
        {
            var group = routes.MapGroup(prefix + "/embed")
                .WithTags("Embeddings")
                .DisableAntiforgery()
                .RequireRateLimiting(RateLimitingSetup.Policy)
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
                .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
            var model = prefix.Length == 0 ? "the default model" : "a model of the repository";
            group.MapPost("", EmbedAsync)
                .WithSummary($"The embedding of one image, from {model}")
                .WithDescription(
                    $"Send the image as multipart field '{ImageUploadReader.SingleField}' or as the raw body. `normalize=true` scales " +
                    "the vector to unit length (for cosine similarity). 400 output-unavailable when the model has no embedding.")
                .WithMetadata(new ImageUploadMetadata(ImageUploadReader.SingleField, Multiple: false, RawBody: true));
            group.MapPost("/batch", EmbedBatchAsync)
                .WithSummary($"The embeddings of several images run together, from {model}")
                .WithMetadata(new ImageUploadMetadata(ImageUploadReader.BatchField, Multiple: true, RawBody: false));
            if (prefix.Length > 0)
            {
                group.ProducesProblem(StatusCodes.Status404NotFound);
            }
        }

        return routes;
    }

    public static async Task<Ok<EmbeddingResponse>> EmbedAsync(
        bool? normalize, HttpRequest request, TargetModel target, ImageUploadReader uploads, CancellationToken cancellationToken)
    {
        var embedder = target.Embedder;
        embedder.EnsureOutputs(ExtraOutputs.Embedding); // Before the body is read, as a full queue is.
        embedder.EnsureRoom(1);
        var image = await uploads.ReadSingleAsync(request, cancellationToken);
        var result = await embedder.EmbedAsync(image.Bytes, normalize ?? false, cancellationToken);
        return TypedResults.Ok(EmbeddingResponse.From(embedder.Info.Name, result));
    }

    public static async Task<Ok<BatchEmbeddingResponse>> EmbedBatchAsync(
        bool? normalize, HttpContext httpContext, TargetModel target, ImageUploadReader uploads, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var embedder = target.Embedder;
        embedder.EnsureOutputs(ExtraOutputs.Embedding);
        embedder.EnsureRoom(1);
        var images = await uploads.ReadBatchAsync(httpContext.Request, cancellationToken);
        var results = await embedder.EmbedBatchAsync(
            images.Select(image => (ReadOnlyMemory<byte>)image.Bytes).ToList(), normalize ?? false, cancellationToken);

        var logger = loggers.CreateLogger(typeof(EmbedEndpoints).FullName!);
        var items = results.Select((result, index) => result.Embedding is { } embedding
            ? new BatchEmbeddingItemResponse(index, images[index].Name, embedding.Embedding, embedding.PreprocessingTime.TotalMilliseconds)
            : new BatchEmbeddingItemResponse(index, images[index].Name,
                Problem: BatchProblems.ForImage(index, images[index].Name, result.Rejection!, httpContext, logger))).ToList();
        var inferenceMs = results.Select(r => r.Embedding?.InferenceTime.TotalMilliseconds ?? 0).DefaultIfEmpty(0).Max();
        return TypedResults.Ok(new BatchEmbeddingResponse(embedder.Info.Name, embedder.Info.Features.EmbeddingLength,
            normalize ?? false, items.Count, items.Count(i => i.Problem is null), inferenceMs, items));
    }
}
