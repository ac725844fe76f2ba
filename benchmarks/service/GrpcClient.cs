using System.Diagnostics;
using Google.Protobuf;
using Grpc.Net.Client;
using ResNetService.Api.Grpc.Protocol;

namespace ResNetService.Benchmarks.Service;

/// <summary>
/// The Open Inference Protocol over gRPC with raw FP32 tensors, messages built once before timing (a client's own
/// serialisation is not the service's cost): one batch, or many clients with one row each.
/// </summary>
public sealed class GrpcClient(Uri address, string model, string inputName, float[] tensor, int batch) : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = null, MaxSendMessageSize = null });
    private readonly ModelInferRequest _batch = Request(model, inputName, tensor, batch);
    private readonly ModelInferRequest _row = Request(model, inputName, tensor[..(tensor.Length / batch)], 1);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    /// <summary>One ModelInfer of the whole batch.</summary>
    public async Task<TimeSpan> BatchAsync()
    {
        var started = Stopwatch.GetTimestamp();
        await Client.ModelInferAsync(_batch);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary><paramref name="clients"/> concurrent calls of one row each, over the one channel (HTTP/2 streams).</summary>
    public async Task<(IReadOnlyList<TimeSpan> Latencies, TimeSpan Elapsed)> ConcurrentAsync(int clients)
    {
        var started = Stopwatch.GetTimestamp();
        var latencies = await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            var sent = Stopwatch.GetTimestamp();
            await Client.ModelInferAsync(_row);
            return Stopwatch.GetElapsedTime(sent);
        }));
        return (latencies, Stopwatch.GetElapsedTime(started));
    }

    public void Dispose() => _channel.Dispose();

    private static ModelInferRequest Request(string model, string inputName, float[] tensor, int rows)
    {
        var request = new ModelInferRequest { ModelName = model };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor
        {
            Name = inputName,
            Datatype = "FP32",
            Shape = { rows, 3, BenchmarkInputs.ImageSize, BenchmarkInputs.ImageSize },
        });
        request.RawInputContents.Add(ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.AsSpan()))); // little-endian machines
        return request;
    }
}
