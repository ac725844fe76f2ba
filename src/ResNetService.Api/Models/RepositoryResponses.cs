using ResNetService.Inference.Repository;

namespace ResNetService.Api.Models;

/// <summary>One version of a model: where it stands, and why when it could not be loaded.</summary>
public sealed record ModelVersionResponse(long Version, string State, string? Reason)
{
    public static ModelVersionResponse From(ServedVersion version) =>
        new(version.Version, StateName(version.State), version.Reason);

    /// <summary>The state as clients see it: "loading", "ready", "unavailable", "not-loaded".</summary>
    public static string StateName(ModelVersionState state) => state switch
    {
        ModelVersionState.NotLoaded => "not-loaded",
        _ => state.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// A model by name: whether it is the default one (<c>/classify</c>, <c>/model</c>), whether any of its versions serves
/// (<see cref="ServedModel.IsReady"/>), and each version. <see cref="Serving"/> describes the version requests without a number get.
/// </summary>
public sealed record RepositoryModelResponse(
    string Name,
    bool Default,
    bool Ready,
    string? Reason,
    IReadOnlyList<ModelVersionResponse> Versions,
    ModelInfoResponse? Serving = null)
{
    public static RepositoryModelResponse From(ServedModel model, ModelInfoResponse? serving = null) => new(
        model.Name, model.IsDefault, model.IsReady, model.Reason, [.. model.Versions.Select(ModelVersionResponse.From)], serving);
}

/// <summary>The answer to <c>GET /models</c>.</summary>
public sealed record RepositoryResponse(bool Ready, IReadOnlyList<RepositoryModelResponse> Models);
