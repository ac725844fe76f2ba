using System.Globalization;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Repository;

namespace ResNetService.Api.Models;

/// <summary>
/// The model a request is for, bound from its route: the default model at <c>/embed</c>, a repository model at
/// <c>/models/{name}/embed</c> (its latest ready version) or <c>/models/{name}/versions/{version}/embed</c>. A
/// repository model's session is held (leased) until the response is done, so a reload cannot pull it away.
/// Unknown models fail the binding with <see cref="Inference.ModelNotFoundException"/> (404).
/// </summary>
public sealed class TargetModel(IImageClassifier classifier)
{
    /// <summary>The route prefixes every per-model endpoint is mapped under.</summary>
    public static IReadOnlyList<string> RoutePrefixes { get; } = ["", "/models/{name}", "/models/{name}/versions/{version:long}"];

    public IImageClassifier Classifier { get; } = classifier;

    public static ValueTask<TargetModel> BindAsync(HttpContext context)
    {
        var services = context.RequestServices;
        if (context.Request.RouteValues["name"] is not string name)
        {
            return ValueTask.FromResult(new TargetModel(services.GetRequiredService<IImageClassifier>()));
        }

        long? version = context.Request.RouteValues["version"] is string text ? long.Parse(text, CultureInfo.InvariantCulture) : null;
        var lease = services.GetRequiredService<ModelRepository>().Acquire(name, version);
        context.Response.RegisterForDispose(lease);
        return ValueTask.FromResult(new TargetModel(lease.Classifier));
    }
}
