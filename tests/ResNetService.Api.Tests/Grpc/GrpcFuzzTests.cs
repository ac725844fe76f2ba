using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using ResNetService.Api.Grpc.Protocol;
using ResNetService.Api.Tests.Support;
using Serilog.Events;
using static ResNetService.Api.Tests.V2.V2Requests;

namespace ResNetService.Api.Tests.Grpc;

/// <summary>
/// Seeded mutations of valid ModelInfer requests: raw lengths off by one, truncated raw tensors, negative, zero and
/// overflowing dimensions, wrong ranks and datatypes, unknown names, messages over the limit. Every answer is one of the
/// protocol's refusals, a valid request still succeeds after each batch, and nothing is logged at Warning or above.
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class GrpcFuzzTests(ServiceFixture fixture) : IDisposable
{
    private static readonly StatusCode[] Refusals = [StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.ResourceExhausted, StatusCode.Unavailable];

    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(fixture.Factory.Server.BaseAddress,
        new GrpcChannelOptions { HttpHandler = fixture.Factory.Server.CreateHandler(), MaxSendMessageSize = null });

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task Mutated_requests_get_refusals_and_valid_ones_keep_succeeding()
    {
        var random = new Random(2026);
        var warningsBefore = fixture.Factory.Log.AtLeast(LogEventLevel.Warning).Count;
        var answers = new Dictionary<StatusCode, int>();
        for (var batch = 0; batch < 8; batch++)
        {
            for (var i = 0; i < 25; i++)
            {
                var (what, request) = Mutate(random, batch * 25 + i);
                var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request).ResponseAsync);
                Assert.True(Refusals.Contains(error.StatusCode), $"{what}: {error.Status}");
                answers[error.StatusCode] = answers.GetValueOrDefault(error.StatusCode) + 1;
            }

            var valid = await Client.ModelInferAsync(Valid(random, images: batch % 2 == 1));
            Assert.NotEmpty(valid.RawOutputContents);
        }

        Assert.Equal([StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.ResourceExhausted], answers.Keys.Order());
        Assert.Equal(warningsBefore, fixture.Factory.Log.AtLeast(LogEventLevel.Warning).Count);
    }

    [Fact]
    public async Task Bytes_that_are_no_protobuf_get_a_status_and_log_nothing_at_error()
    {
        var random = new Random(7);
        var errorsBefore = fixture.Factory.Log.AtLeast(LogEventLevel.Error).Count;
        var invoker = _channel.CreateCallInvoker();
        var bytes = Marshallers.Create<byte[]>(b => b, b => b);
        var infer = new Method<byte[], byte[]>(MethodType.Unary, "inference.GRPCInferenceService", "ModelInfer", bytes, bytes);
        var valid = Valid(random, images: false).ToByteArray();

        foreach (var message in new[] { TestImages.Garbage(), valid[..(valid.Length / 2)], [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f] })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(infer, null, new CallOptions(), message).ResponseAsync);
            Assert.NotEqual(StatusCode.OK, error.StatusCode);
        }

        Assert.NotEmpty((await Client.ModelInferAsync(Valid(random, images: false))).RawOutputContents);
        Assert.Equal(errorsBefore, fixture.Factory.Log.AtLeast(LogEventLevel.Error).Count);
    }

    private static ModelInferRequest Valid(Random random, bool images) =>
        images ? GrpcRequests.Image(TestImages.Png(random.Next(100))) : GrpcRequests.Tensor(Tensor(1, random.Next()));

    private static (string What, ModelInferRequest Request) Mutate(Random random, int index)
    {
        var request = Valid(random, images: false);
        var input = request.Inputs[0];
        var raw = request.RawInputContents[0].ToByteArray();
        if (index % 50 == 0)
        {
            // Over V2:MaxRequestBytes (32 MiB) now and then only: each one is a large allocation.
            request.RawInputContents[0] = ByteString.CopyFrom(new byte[33 * 1024 * 1024]);
            return ("a message over the limit", request);
        }

        switch (random.Next(12))
        {
            case 0:
                request.RawInputContents[0] = ByteString.CopyFrom(raw[..^1]);
                return ("raw one byte short", request);
            case 1:
                request.RawInputContents[0] = ByteString.CopyFrom([.. raw, 0]);
                return ("raw one byte long", request);
            case 2:
                request.RawInputContents[0] = ByteString.CopyFrom(raw[..random.Next(raw.Length)]);
                return ("raw truncated", request);
            case 3:
                input.Shape[random.Next(4)] = -random.NextInt64(1, long.MaxValue);
                return ("a negative dimension", request);
            case 4:
                input.Shape[random.Next(4)] = random.Next(2) == 0 ? long.MaxValue : (long)int.MaxValue + random.Next(1000);
                return ("an overflowing dimension", request);
            case 5:
                input.Shape[random.Next(4)] = 0;
                return ("a zero dimension", request);
            case 6:
                input.Shape.RemoveAt(random.Next(4));
                return ("a wrong rank", request);
            case 7:
                input.Datatype = new[] { "INT64", "FP16", "BOOL", "", "fp32", "BYTES", "UINT8" }[random.Next(7)];
                return ($"datatype '{input.Datatype}'", request);
            case 8:
                input.Name = $"x{random.Next()}";
                return ("an unknown input", request);
            case 9:
                request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = $"y{random.Next()}" });
                return ("an unknown output", request);
            case 10:
                if (random.Next(2) == 0)
                {
                    request.ModelName = $"m{random.Next()}";
                    return ("an unknown model", request);
                }

                request.ModelVersion = random.Next(2, 1000).ToString();
                return ("an unknown version", request);
            default:
                request.RawInputContents.Add(ByteString.CopyFrom(raw));
                return ("more raw contents than inputs", request);
        }
    }
}
