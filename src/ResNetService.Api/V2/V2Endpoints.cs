using System.Globalization;
using Microsoft.Extensions.Options;
using ResNetService.Api.RateLimiting;
using ResNetService.Api.Shutdown;
using ResNetService.Inference.Repository;

namespace ResNetService.Api.V2;

/// <summary>
/// The Open Inference Protocol (KServe V2) over REST: server and model metadata, health, readiness and inference,
/// with Triton's binary tensor data and classification extensions. Errors are the protocol's <c>{"error": "..."}</c>.
/// </summary>
public static class V2Endpoints
{
    public const string Tag = "Open Inference Protocol (V2)";

    public static IEndpointRouteBuilder MapV2Endpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2")
            .WithTags(Tag)
            .DisableAntiforgery()
            .AddEndpointFilter(V2Errors.FilterAsync);

        group.MapGet("", () => TypedResults.Ok(V2ServerMetadata.Current))
            .WithName("V2ServerMetadata")
            .WithSummary("Server metadata: name, version, extensions");
        group.MapGet("/health/live", () => Results.Ok())
            .WithName("V2ServerLive")
            .WithSummary("200 while the server answers");
        group.MapGet("/health/ready", ServerReady)
            .WithName("V2ServerReady")
            .WithSummary("200 when every model is ready, else 400 (the protocol's 4xx for false)");

        // The version comes from the route only (never from a query string), so each route has its own handler.
        MapModelRoutes(group, "/models/{name}", "",
            (string name, ModelRepository repository) => ModelMetadata(name, null, repository),
            (string name, ModelRepository repository) => ModelReady(name, null, repository),
            (string name, HttpRequest request, ModelRepository repository, IOptions<V2Options> options, CancellationToken cancellationToken) =>
                InferAsync(name, null, request, repository, options, cancellationToken));
        MapModelRoutes(group, "/models/{name}/versions/{version}", "Version", ModelMetadata, ModelReady, InferAsync);
        return routes;
    }

    private static void MapModelRoutes(RouteGroupBuilder group, string prefix, string suffix, Delegate metadata, Delegate ready, Delegate infer)
    {
        group.MapGet(prefix, metadata)
            .WithName("V2ModelMetadata" + suffix)
            .WithSummary("Model metadata: versions, platform, input and output tensors")
            .Produces<V2ModelMetadata>()
            .Produces<V2Error>(StatusCodes.Status404NotFound);
        group.MapGet(prefix + "/ready", ready)
            .WithName("V2ModelReady" + suffix)
            .WithSummary("200 when the model is ready, else 400; 404 for an unknown model");
        group.MapPost(prefix + "/infer", infer)
            .RequireRateLimiting(RateLimitingSetup.Policy)
            .WithName("V2Infer" + suffix)
            .WithSummary("Run the model on FP32 tensors or BYTES encoded images")
            .WithDescription(
                "Body: an inference request (JSON), or with header Inference-Header-Content-Length the JSON header followed by " +
                "binary tensors (Triton's binary tensor data extension). The input takes FP32 [N,3,S,S] preprocessed tensors, or " +
                "BYTES [N] encoded images (raw in binary data, or base64 strings with parameter content_type 'base64'). " +
                "An output with parameter classification: k answers the top k classes as \"value:index:label\".")
            // Any content type (curl -d sends a form's): the body is read alike, JSON unless the header length says otherwise.
            .Accepts<V2InferenceRequestSchema>(isOptional: true, "application/json", BinaryTensorData.ContentType, "*/*")
            .Produces<V2InferenceResponseSchema>(StatusCodes.Status200OK, "application/json", BinaryTensorData.ContentType)
            .Produces<V2Error>(StatusCodes.Status400BadRequest)
            .Produces<V2Error>(StatusCodes.Status404NotFound)
            .Produces<V2Error>(StatusCodes.Status413PayloadTooLarge)
            .Produces<V2Error>(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Ready when every model of the repository is and no shutdown has begun: the same rule as <c>/health/ready</c>.</summary>
    public static IResult ServerReady(ModelRepository repository, GracefulShutdown shutdown) =>
        repository.IsReady && !shutdown.IsStopping ? Results.Ok()
        : NotReady(shutdown.IsStopping ? "The server is shutting down." : "The models do not make the server ready yet (see GET /health/ready).");

    /// <summary>The protocol's "false" for a readiness question: a 400 with its error body, an answer rather than a problem.</summary>
    private static IResult NotReady(string why) => TypedResults.BadRequest(new V2Error(why));

    public static IResult ModelMetadata(string name, string? version, ModelRepository repository)
    {
        return TypedResults.Ok(V2Models.Metadata(repository, name, version));
    }

    /// <summary>200 when the model (or the version named) can serve now, 400 when not: the protocol's "4xx means false".</summary>
    public static IResult ModelReady(string name, string? version, ModelRepository repository)
    {
        return V2Models.IsReady(repository, name, version) ? Results.Ok() : NotReady(version is null
            ? $"No version of model '{name}' serves."
            : $"Version {version} of model '{name}' does not serve.");
    }

    public static async Task<IResult> InferAsync(
        string name, string? version, HttpRequest request, ModelRepository repository, IOptions<V2Options> options, CancellationToken cancellationToken)
    {
        // Held until the answer is written, so that a reload meanwhile lets this request finish on its session.
        using var lease = V2Models.Acquire(repository, name, version); // Before the body: 503 while loading.
        lease.Admission.EnsureRoom(1); // A full queue refuses before the body is read.
        var inference = new V2Inference(lease.Classifier, lease.Tensors, lease.Version.ToString(CultureInfo.InvariantCulture), options.Value);
        using var body = await V2RequestBody.ReadAsync(request, options.Value.MaxRequestBytes, cancellationToken);
        var parsed = V2RequestParser.Parse(body.Json.Span);
        return new V2InferenceResult(await inference.RunAsync(parsed, body, cancellationToken));
    }
}
