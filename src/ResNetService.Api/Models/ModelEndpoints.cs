using Microsoft.AspNetCore.Http.HttpResults;
using ResNetService.Inference.Repository;

namespace ResNetService.Api.Models;

/// <summary>
/// <c>GET /model</c>: the default model's description. <c>GET /models</c>, <c>/models/{name}</c> and
/// <c>/models/{name}/versions/{version}</c>: every model of the repository, its versions and their states.
/// </summary>
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

        var models = routes.MapGroup("/models").WithTags("Models");
        models.MapGet("", ListModels)
            .WithName("ListModels")
            .WithSummary("List every model of the repository, its versions and their states")
            .WithDescription(
                "The default model (Model:Path) and the models of the folder ModelRepository:Root, laid out as " +
                "<name>/<version>/model.onnx. The folder is read again every ModelRepository:PollInterval: new models " +
                "and versions load, changed files reload (the old session finishes its requests), removed ones unload. " +
                "A version's state is loading, ready, unavailable (with the reason) or not-loaded (version policy).");
        models.MapGet("/{name}", GetRepositoryModel)
            .WithName("GetRepositoryModel")
            .WithSummary("Describe a model: its versions, and the one that serves requests without a version")
            .ProducesProblem(StatusCodes.Status404NotFound);
        models.MapGet("/{name}/versions/{version:long}", GetModelVersion)
            .WithName("GetModelVersion")
            .WithSummary("Describe one version of a model")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    public static Ok<ModelInfoResponse> GetModel(TargetModel target) => TypedResults.Ok(Describe(target.Loaded));

    public static Ok<RepositoryResponse> ListModels(ModelRepository repository) =>
        TypedResults.Ok(new RepositoryResponse(repository.IsReady, [.. repository.Models.Select(model => RepositoryModelResponse.From(model))]));

    public static Ok<RepositoryModelResponse> GetRepositoryModel(string name, ModelRepository repository)
    {
        var model = repository.Find(name);
        var serving = model.Versions.LastOrDefault(version => version.State == ModelVersionState.Ready)?.Current;
        return TypedResults.Ok(RepositoryModelResponse.From(model, serving is null ? null : Describe(serving)));
    }

    public static Ok<ModelInfoResponse> GetModelVersion(TargetModel target) => TypedResults.Ok(Describe(target.Loaded));

    private static ModelInfoResponse Describe(LoadedVersion loaded) =>
        ModelInfoResponse.From(loaded.Model.Info, loaded.Batching, loaded.Model.Statistics);
}
