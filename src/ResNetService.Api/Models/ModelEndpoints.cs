using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Classification;

namespace ResNetService.Api.Models;

/// <summary><c>GET /model</c>: the loaded model's description.</summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/model")
            .WithTags("Model")
            .MapGet("", GetModel)
            .WithName("GetModel")
            .WithSummary("Describe the served model")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    public static Ok<ModelInfoResponse> GetModel(IImageClassifier classifier, IOptions<BatchingOptions> batching) =>
        TypedResults.Ok(ModelInfoResponse.From(classifier.Info, batching.Value, classifier.Statistics));
}
