using Microsoft.Extensions.Options;

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
            (string name, IV2ModelResolver resolver) => ModelMetadata(name, null, resolver),
            (string name, IV2ModelResolver resolver) => ModelReady(name, null, resolver),
            (string name, HttpRequest request, IV2ModelResolver resolver, IOptions<V2Options> options, CancellationToken cancellationToken) =>
                InferAsync(name, null, request, resolver, options, cancellationToken));
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

    public static IResult ServerReady(IV2ModelResolver resolver) =>
        resolver.ListModels().All(model => resolver.TryResolve(model.Name, null, out var classifier, out _) && classifier.IsReady)
            ? Results.Ok()
            : Results.BadRequest();

    public static IResult ModelMetadata(string name, string? version, IV2ModelResolver resolver)
    {
        var classifier = Resolve(resolver, name, version, out _);
        var versions = resolver.ListModels().FirstOrDefault(m => m.Name == name)?.Versions ?? [];
        return TypedResults.Ok(V2ModelMetadata.From(classifier.Info, versions));
    }

    public static IResult ModelReady(string name, string? version, IV2ModelResolver resolver) =>
        Resolve(resolver, name, version, out _).IsReady ? Results.Ok() : Results.BadRequest();

    public static async Task<IResult> InferAsync(
        string name, string? version, HttpRequest request, IV2ModelResolver resolver, IOptions<V2Options> options, CancellationToken cancellationToken)
    {
        var classifier = Resolve(resolver, name, version, out var resolvedVersion);
        var inference = new V2Inference(classifier, resolvedVersion, options.Value); // Before the body: 503 while loading.
        using var body = await V2RequestBody.ReadAsync(request, options.Value.MaxRequestBytes, cancellationToken);
        var parsed = V2RequestParser.Parse(body.Json.Span);
        return new V2InferenceResult(await inference.RunAsync(parsed, body, cancellationToken));
    }

    private static Inference.Classification.IImageClassifier Resolve(IV2ModelResolver resolver, string name, string? version, out string resolvedVersion) =>
        resolver.TryResolve(name, version, out var classifier, out resolvedVersion)
            ? classifier
            : throw V2Exception.NotFound(version is null ? $"Unknown model '{name}'." : $"Unknown model '{name}' version '{version}'.");
}
