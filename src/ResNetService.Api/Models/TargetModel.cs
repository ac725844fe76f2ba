using System.Globalization;
using ResNetService.Inference.Repository;
using ResNetService.Inference.Serving;

namespace ResNetService.Api.Models;

/// <summary>
/// The model a request is for, bound from its route: the default model at <c>/embed</c>, a repository model at
/// <c>/models/{name}/embed</c> (its latest serving version) or <c>/models/{name}/versions/{version}/embed</c>. Every
/// route reaches its model this one way: the session is held (leased) until the response is done, so a reload cannot
/// pull it away. Unknown models fail the binding with <see cref="Inference.ModelNotFoundException"/> (404), models
/// without a serving version with <see cref="Inference.ModelNotReadyException"/> (503).
/// </summary>
public sealed class TargetModel(ModelLease lease)
{
    /// <summary>The route prefixes every per-model endpoint is mapped under.</summary>
    public static IReadOnlyList<string> RoutePrefixes { get; } = ["", "/models/{name}", "/models/{name}/versions/{version:long}"];

    public IImageClassifier Classifier => lease.Classifier;

    public IImageEmbedder Embedder => lease.Embedder;

    public IImageExplainer Explainer => lease.Explainer;

    /// <summary>The loaded version held, with the batching it runs with.</summary>
    public LoadedVersion Loaded => lease.Loaded;

    public static ValueTask<TargetModel> BindAsync(HttpContext context)
    {
        var route = context.Request.RouteValues;
        long? version = route["version"] is string text ? long.Parse(text, CultureInfo.InvariantCulture) : null;
        var lease = context.RequestServices.GetRequiredService<ModelRepository>().Acquire(route["name"] as string, version);
        context.Response.RegisterForDispose(lease);
        return ValueTask.FromResult(new TargetModel(lease));
    }
}
