using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using ResNetService.Api.Models;
using ResNetService.Api.OpenApi;
using ResNetService.Api.Problems;
using ResNetService.Api.RateLimiting;
using ResNetService.Api.Uploads;
using ResNetService.Inference.Model;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Api.Explanations;

/// <summary>
/// <c>POST /explain</c>: where the network looked, as a class activation map of one image (the classifier's weights
/// for a class applied to the last feature map), as a PNG heatmap over the image or as the raw map in JSON; on the
/// default model or any model of the repository (see <see cref="TargetModel"/>). Runs through the same batcher.
/// </summary>
public static class ExplainEndpoints
{
    public const string Png = "png", Json = "json";

    /// <summary>Headers of a PNG answer naming the class it shows (labels stay out of headers: they need not be ASCII).</summary>
    public const string ClassIndexHeader = "X-Class-Index", ProbabilityHeader = "X-Class-Probability";

    public static IEndpointRouteBuilder MapExplainEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var prefix in TargetModel.RoutePrefixes)
        {
            var endpoint = routes.MapPost(prefix + "/explain", ExplainAsync)
                .WithTags("Explanations")
                .DisableAntiforgery()
                .RequireRateLimiting(RateLimitingSetup.Policy)
                .WithSummary($"A class activation map of one image, from {(prefix.Length == 0 ? "the default model" : "a model of the repository")}")
                .WithDescription(
                    $"Send the image as multipart field '{ImageUploadReader.SingleField}' or as the raw body. `class` (an index or a " +
                    $"label; default the top class) is the class to explain; `format` is `{Png}` (default: a heatmap over the image " +
                    $"as the network saw it, with headers {ClassIndexHeader} and {ProbabilityHeader}) or `{Json}` (the raw map).")
                .WithMetadata(new ImageUploadMetadata(ImageUploadReader.SingleField, Multiple: false, RawBody: true))
                .Produces(StatusCodes.Status200OK, contentType: "image/png")
                .Produces<ExplanationResponse>(StatusCodes.Status200OK)
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
                .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
            if (prefix.Length > 0)
            {
                endpoint.ProducesProblem(StatusCodes.Status404NotFound);
            }
        }

        return routes;
    }

    public static async Task<IResult> ExplainAsync(
        [FromQuery(Name = "class")] string? className, string? format, HttpRequest request, TargetModel target, ImageUploadReader uploads,
        CancellationToken cancellationToken)
    {
        var explainer = target.Explainer;
        var model = explainer.Info;
        var asJson = (format ?? Png).ToLowerInvariant() switch
        {
            Png => false,
            Json => true,
            _ => throw new ApiProblemException(ProblemKinds.BadParameter, $"'format' must be '{Png}' or '{Json}'; got '{format}'."),
        };
        var classIndex = ClassIndex(className, model);
        explainer.EnsureOutputs(ExtraOutputs.FeatureMap); // Refused before the body is read, as a full queue is.
        explainer.EnsureRoom(1);
        var image = await uploads.ReadSingleAsync(request, cancellationToken);
        using var explanation = await explainer.ExplainAsync(image.Bytes, classIndex, cancellationToken);
        if (asJson)
        {
            return TypedResults.Ok(ExplanationResponse.From(model.Name, explanation));
        }

        request.HttpContext.Response.Headers[ClassIndexHeader] = explanation.Class.Index.ToString(CultureInfo.InvariantCulture);
        request.HttpContext.Response.Headers[ProbabilityHeader] = explanation.Class.Probability.ToString(CultureInfo.InvariantCulture);
        return TypedResults.File(explanation.ToPng(), "image/png");
    }

    /// <summary>A class by index (0-based) or by label (case-insensitive); null for the top class.</summary>
    private static int? ClassIndex(string? className, ModelInfo model)
    {
        if (string.IsNullOrWhiteSpace(className))
        {
            return className is null ? null
                : throw new ApiProblemException(ProblemKinds.UnknownClass, "'class' is empty; give a class index or label, or leave it out for the top class.");
        }

        if (int.TryParse(className, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
        {
            return model.ThrowIfNotAClass(index);
        }

        var byLabel = model.Labels.Select((label, i) => (label, i)).FirstOrDefault(pair => string.Equals(pair.label, className.Trim(), StringComparison.OrdinalIgnoreCase));
        return byLabel.label is not null
            ? byLabel.i
            : throw new ApiProblemException(ProblemKinds.UnknownClass, $"Model '{model.Name}' has no class labelled '{className}'; give an index (0 to {model.Classes - 1}) or one of its labels (GET /model).");
    }
}
