using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ResNetService.Api.Grpc.Protocol;
using ResNetService.Api.RateLimiting;
using ResNetService.Api.Shutdown;
using ResNetService.Api.V2;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Repository;

namespace ResNetService.Api.Grpc;

/// <summary>
/// The Open Inference Protocol's gRPC service on the same core as REST V2: the same repository and leases
/// (<see cref="V2Models"/>), the same request checks and batching (<see cref="V2Inference"/>). Failures become status
/// codes in <see cref="GrpcErrors"/>.
/// </summary>
public sealed class InferenceGrpcService(ModelRepository repository, GracefulShutdown shutdown, IOptions<V2Options> options, MemoryBudget memory)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    /// <summary>The same rule as <c>/health/ready</c>.</summary>
    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = repository.IsReady && !shutdown.IsStopping });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ModelReadyResponse { Ready = V2Models.IsReady(repository, request.Name, Version(request.Version)) });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var metadata = V2ServerMetadata.Current;
        return Task.FromResult(new ServerMetadataResponse { Name = metadata.Name, Version = metadata.Version, Extensions = { metadata.Extensions } });
    }

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var metadata = V2Models.Metadata(repository, request.Name, Version(request.Version));
        return Task.FromResult(new ModelMetadataResponse
        {
            Name = metadata.Name,
            Versions = { metadata.Versions },
            Platform = metadata.Platform,
            Inputs = { metadata.Inputs.Select(Tensor) },
            Outputs = { metadata.Outputs.Select(Tensor) },
        });
    }

    /// <summary>Rate limited per client as the REST routes that run the model are; the other calls are not.</summary>
    [EnableRateLimiting(RateLimitingSetup.Policy)]
    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        // grpc-dotnet has read the whole message before the call: it is counted in the memory budget while the call holds
        // it, as REST V2's bodies are, so decodes and uploads wait for the room it takes (one over the budget: RESOURCE_EXHAUSTED).
        using var held = await memory.AcquireAsync(request.CalculateSize(), MemoryUse.Upload, context.CancellationToken);
        // Held until the answer is built, so that a reload meanwhile lets this request finish on its session.
        using var lease = V2Models.Acquire(repository, request.ModelName, Version(request.ModelVersion));
        var inference = new V2Inference(lease.Classifier, lease.Tensors, lease.Version.ToString(CultureInfo.InvariantCulture), options.Value);
        var (parsed, body) = GrpcTensors.ToV2(request);
        using (body)
        {
            return GrpcTensors.FromV2(await inference.RunAsync(parsed, body, context.CancellationToken));
        }
    }

    /// <summary>The protocol's empty version means "the one the server chooses".</summary>
    private static string? Version(string version) => version.Length == 0 ? null : version;

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(V2TensorMetadata tensor) =>
        new() { Name = tensor.Name, Datatype = tensor.Datatype, Shape = { tensor.Shape } };
}
