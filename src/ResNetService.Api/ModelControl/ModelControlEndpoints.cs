using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ResNetService.Api.Models;
using ResNetService.Api.V2;
using ResNetService.Inference.Repository;

namespace ResNetService.Api.ModelControl;

/// <summary>
/// Model control as Triton's model repository extension: <c>POST /v2/repository/index</c>,
/// <c>POST /v2/repository/models/{name}/load</c> and <c>.../unload</c>. Load and unload work in the explicit control mode
/// (<c>ModelRepository:ControlMode</c>); the index in both. Guarded by <see cref="ModelControlAccess"/>; errors are the
/// protocol's <c>{"error": "..."}</c>.
/// </summary>
public static class ModelControlEndpoints
{
    public static IEndpointRouteBuilder MapModelControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/repository")
            .WithTags("Model control")
            .DisableAntiforgery()
            .AddEndpointFilter(ModelControlAccess.FilterAsync) // outermost: refuses first, logs every outcome
            .AddEndpointFilter(V2Errors.FilterAsync);

        group.MapPost("/index", IndexAsync)
            .WithName("RepositoryIndex")
            .WithSummary("Every model of the repository and its folder, one entry per version, with its state")
            .WithDescription($"Needs the key in header {ModelControlOptions.KeyHeader}. Body (optional): {{\"ready\": true}} lists only versions that serve.")
            .Accepts<IndexRequest>(isOptional: true, "application/json")
            .Produces<IReadOnlyList<IndexEntry>>()
            .Produces<V2Error>(StatusCodes.Status401Unauthorized)
            .Produces<V2Error>(StatusCodes.Status403Forbidden);
        group.MapPost("/models/{name}/load", LoadAsync)
            .WithName("RepositoryLoad")
            .WithSummary("Load a model from its folder (explicit control mode); the default model reloads from its file")
            .Produces<RepositoryModelResponse>()
            .Produces<V2Error>(StatusCodes.Status400BadRequest)
            .Produces<V2Error>(StatusCodes.Status401Unauthorized)
            .Produces<V2Error>(StatusCodes.Status403Forbidden)
            .Produces<V2Error>(StatusCodes.Status404NotFound)
            .Produces<V2Error>(StatusCodes.Status409Conflict);
        group.MapPost("/models/{name}/unload", UnloadAsync)
            .WithName("RepositoryUnload")
            .WithSummary("Unload a model (explicit control mode); the default model cannot be unloaded (409)")
            .Produces<V2Error>(StatusCodes.Status401Unauthorized)
            .Produces<V2Error>(StatusCodes.Status403Forbidden)
            .Produces<V2Error>(StatusCodes.Status404NotFound)
            .Produces<V2Error>(StatusCodes.Status409Conflict);
        return routes;
    }

    public static async Task<Ok<IReadOnlyList<IndexEntry>>> IndexAsync(HttpRequest request, ModelRepositoryLoader loader, CancellationToken cancellationToken)
    {
        var ready = request.ContentLength > 0 && (await request.ReadFromJsonAsync<IndexRequest>(cancellationToken))?.Ready == true;
        var entries = await loader.IndexAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<IndexEntry>>([.. entries
            .Where(entry => !ready || entry.State == ModelVersionState.Ready)
            .Select(entry => new IndexEntry(entry.Name, entry.Version?.ToString(CultureInfo.InvariantCulture), ModelVersionResponse.StateName(entry.State), entry.Reason))]);
    }

    public static async Task<Results<Ok<RepositoryModelResponse>, JsonHttpResult<V2Error>>> LoadAsync(
        string name, ModelRepositoryLoader loader, ModelRepository repository, CancellationToken cancellationToken)
    {
        EnsureName(name, repository);
        var model = await loader.LoadAsync(name, cancellationToken);
        if (!model.IsReady)
        {
            var reasons = model.Reason ?? string.Join("; ", model.Versions.Where(v => v.Reason is not null).Select(v => $"version {v.Version}: {v.Reason}"));
            return TypedResults.Json(new V2Error($"Model '{name}' could not be loaded: {reasons}"), statusCode: StatusCodes.Status400BadRequest);
        }

        return TypedResults.Ok(RepositoryModelResponse.From(model));
    }

    public static async Task<Ok> UnloadAsync(string name, ModelRepositoryLoader loader, ModelRepository repository, CancellationToken cancellationToken)
    {
        EnsureName(name, repository);
        await loader.UnloadAsync(name, cancellationToken);
        return TypedResults.Ok();
    }

    /// <summary>Only a model folder's name (or the default model's) goes further: nothing else can name a path.</summary>
    private static void EnsureName(string name, ModelRepository repository)
    {
        if (!RepositoryLayout.IsModelName(name) && name != repository.Default.Name)
        {
            throw new V2Exception($"'{name}' is not a model name: letters, digits, '.', '_' and '-', starting with a letter or digit.");
        }
    }

    /// <summary>The index request's body: <c>ready</c> lists only versions that serve.</summary>
    public sealed record IndexRequest([property: JsonPropertyName("ready")] bool? Ready);

    /// <summary>One version in the index, as Triton's repository extension shapes it (the version as a string).</summary>
    public sealed record IndexEntry(string Name, string? Version, string State, string? Reason);
}
