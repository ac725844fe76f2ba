using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ResNetService.Api.Grpc.Protocol;
using ResNetService.Api.Tests.Overload;
using ResNetService.Api.Tests.Support;
using static ResNetService.Api.Tests.V2.V2Requests;

namespace ResNetService.Api.Tests.Grpc;

/// <summary>
/// The generated .NET client of <c>inference.GRPCInferenceService</c> against the test server: every RPC, raw and typed
/// tensors answered as ONNX Runtime's own run and as REST V2, images as BYTES answered as <c>/classify</c>, and each kind
/// of error as its status code.
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class GrpcInferenceTests(ServiceFixture fixture) : IDisposable
{
    private readonly GrpcChannel _channel = fixture.Factory.CreateGrpcChannel();

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task Server_and_model_health_and_metadata_answer_as_rest_v2_does()
    {
        var live = await Client.ServerLiveAsync(new ServerLiveRequest());
        var ready = await Client.ServerReadyAsync(new ServerReadyRequest());
        var modelReady = await Client.ModelReadyAsync(new ModelReadyRequest { Name = Model });
        var versionReady = await Client.ModelReadyAsync(new ModelReadyRequest { Name = Model, Version = "1" });
        var server = await Client.ServerMetadataAsync(new ServerMetadataRequest());
        var metadata = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = Model });
        var health = await new global::Grpc.Health.V1.Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest());

        Assert.True(live.Live && ready.Ready && modelReady.Ready && versionReady.Ready);
        Assert.Equal("resnet-service", server.Name);
        Assert.Contains("binary_tensor_data", server.Extensions);
        Assert.Equal((Model, "onnxruntime_onnx"), (metadata.Name, metadata.Platform));
        Assert.Equal(["1"], metadata.Versions);
        var input = Assert.Single(metadata.Inputs);
        Assert.Equal("FP32", input.Datatype);
        Assert.Equal([-1L, 3, Size, Size], input.Shape);
        Assert.Equal([-1L, TestModel.Labels.Length], metadata.Outputs[0].Shape);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fp32_rows_raw_or_typed_get_onnx_runtimes_output_and_rest_v2s_answer(bool raw)
    {
        var values = Tensor(3, seed: 21);
        var (inputName, outputName, expected) = OnnxRuntimeRun(fixture.Model.Path, values);
        var request = new ModelInferRequest { ModelName = Model, Id = "7" };
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = inputName, Datatype = "FP32", Shape = { 3, 3, Size, Size } };
        if (raw)
        {
            request.RawInputContents.Add(ByteString.CopyFrom(LittleEndian(values)));
        }
        else
        {
            tensor.Contents = new InferTensorContents { Fp32Contents = { values } };
        }

        request.Inputs.Add(tensor);
        var answer = await Client.ModelInferAsync(request);
        using var rest = await fixture.Client.PostAsync($"/v2/models/{Model}/infer", Json(JsonRequest(inputName, values)));
        var restValues = Floats((await ReadJsonAsync(rest)).GetProperty("outputs")[0].GetProperty("data"));

        Assert.Equal((Model, "1", "7"), (answer.ModelName, answer.ModelVersion, answer.Id));
        var output = Assert.Single(answer.Outputs);
        Assert.Equal((outputName, "FP32"), (output.Name, output.Datatype));
        Assert.Equal([3L, TestModel.Labels.Length], output.Shape);
        var grpcValues = Floats(answer.RawOutputContents.Single().ToByteArray());
        AssertClose(expected, grpcValues);
        AssertClose(restValues, grpcValues, 1e-5f);
    }

    [Fact]
    public async Task Images_as_bytes_are_answered_as_classify_answers_them_with_the_classification_output()
    {
        var image = TestImages.Png(3);
        var request = GrpcRequests.Image(image);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "classification", Parameters = { ["classification"] = new InferParameter { Int64Param = 2 } } });

        var answer = await Client.ModelInferAsync(request);
        using var classify = await fixture.Client.PostAsync("/classify?top=2", Requests.RawBody(image));
        var expected = (await ReadJsonAsync(classify)).GetProperty("predictions").EnumerateArray()
            .Select(p => $"{p.GetProperty("probability").GetSingle().ToString(System.Globalization.CultureInfo.InvariantCulture)}:{p.GetProperty("index").GetInt32()}:{p.GetProperty("label").GetString()}");

        var output = Assert.Single(answer.Outputs);
        Assert.Equal(("classification", "BYTES"), (output.Name, output.Datatype));
        Assert.Equal([1L, 2], output.Shape);
        Assert.Equal(expected, Elements(answer.RawOutputContents.Single().ToByteArray()));
    }

    [Theory]
    [InlineData("no-such-model", "", StatusCode.NotFound, "Unknown model")]
    [InlineData(Model, "9", StatusCode.NotFound, "version '9'")]
    public async Task Unknown_models_and_versions_are_not_found(string name, string version, StatusCode code, string message)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(GrpcRequests.Tensor(Tensor(1, seed: 1), name, version)).ResponseAsync);
        var metadata = await Assert.ThrowsAsync<RpcException>(() => Client.ModelMetadataAsync(new ModelMetadataRequest { Name = name, Version = version }).ResponseAsync);

        Assert.Equal(code, error.StatusCode);
        Assert.Contains(message, error.Status.Detail);
        Assert.Equal(code, metadata.StatusCode);
    }

    public static TheoryData<string, Action<ModelInferRequest>, string> Malformed => new()
    {
        { "wrong datatype", r => r.Inputs[0].Datatype = "INT64", "datatype INT64" },
        { "shape and contents disagree", r => r.Inputs[0].Shape[0] = 2, "bytes of FP32" },
        { "raw length one short", r => r.RawInputContents[0] = ByteString.CopyFrom(r.RawInputContents[0].Span[1..]), "bytes of FP32" },
        { "negative dimension", r => r.Inputs[0].Shape[0] = -1, "rows" },
        { "overflowing dimension", r => r.Inputs[0].Shape[0] = long.MaxValue, "rows" },
        { "unknown input", r => r.Inputs[0].Name = "pixels", "Unknown input 'pixels'" },
        { "unknown output", r => r.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "probs" }), "Unknown output 'probs'" },
        { "raw and typed together", r => r.Inputs[0].Contents = new InferTensorContents { Fp32Contents = { 1f } }, "both raw_input_contents and typed contents" },
        { "no raw contents for an input", r => r.Inputs.Add(r.Inputs[0].Clone()), "2 inputs and 1 raw_input_contents" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_request_is_invalid_argument_saying_what_was_wrong(string what, Action<ModelInferRequest> spoil, string message)
    {
        var request = GrpcRequests.Tensor(Tensor(1, seed: 2));
        spoil(request);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request).ResponseAsync);

        Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{what}: {error.Status}");
        Assert.Contains(message, error.Status.Detail);
    }

    [Fact]
    public async Task A_message_over_the_limit_is_resource_exhausted_and_the_next_request_succeeds()
    {
        var huge = GrpcRequests.Tensor(Tensor(1, seed: 3));
        huge.RawInputContents[0] = ByteString.CopyFrom(new byte[40 * 1024 * 1024]); // V2:MaxRequestBytes is 32 MiB

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(huge).ResponseAsync);
        var next = await Client.ModelInferAsync(GrpcRequests.Tensor(Tensor(1, seed: 3)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Single(next.Outputs);
    }

    [Fact]
    public async Task A_garbage_image_is_invalid_argument()
    {
        var request = GrpcRequests.Image(TestImages.Garbage());

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Image 0", error.Status.Detail);
    }

    [Fact]
    public async Task Overload_is_unavailable_with_retry_info_in_the_status_details()
    {
        await using var service = new GatedService(fixture.Model.Path);
        await service.WaitUntilReadyAsync();
        using var http = service.CreateClient();
        using var channel = service.CreateGrpcChannel();
        var held = await CheapRejectionTests.FillAsync(service, http, queued: GatedService.Capacity);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelInferAsync(GrpcRequests.Tensor(Tensor(1, seed: 4))).ResponseAsync);
        await CheapRejectionTests.ReleaseAsync(service, held);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(GatedService.RetryAfter, error.GetRpcStatus()!.GetDetail<RetryInfo>().RetryDelay.ToTimeSpan());
        Assert.Empty(service.UnexpectedRefusalLogs);
        Assert.Empty(service.Log.AtLeast(Serilog.Events.LogEventLevel.Warning));
    }

    [Fact]
    public async Task Reflection_lists_the_inference_and_health_services()
    {
        using var call = new global::Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(_channel).ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new global::Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(service => service.Name).ToList();

        Assert.Contains("inference.GRPCInferenceService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task An_unknown_method_is_unimplemented_and_bytes_that_are_no_message_get_a_status()
    {
        var invoker = _channel.CreateCallInvoker();
        var bytes = Marshallers.Create<byte[]>(b => b, b => b);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(
            new Method<byte[], byte[]>(MethodType.Unary, "inference.GRPCInferenceService", "NoSuchCall", bytes, bytes), null, new CallOptions(), []).ResponseAsync);
        var garbage = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(
            new Method<byte[], byte[]>(MethodType.Unary, "inference.GRPCInferenceService", "ModelInfer", bytes, bytes), null, new CallOptions(), TestImages.Garbage()).ResponseAsync);
        var next = await Client.ModelInferAsync(GrpcRequests.Tensor(Tensor(1, seed: 5)));

        Assert.Equal(StatusCode.Unimplemented, unknown.StatusCode);
        Assert.NotEqual(StatusCode.OK, garbage.StatusCode); // grpc-dotnet's own UNKNOWN: the message cannot be parsed
        Assert.Single(next.Outputs);
    }

    private static List<string> Elements(byte[] raw)
    {
        var elements = new List<string>();
        for (var offset = 0; offset < raw.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(offset));
            elements.Add(Encoding.UTF8.GetString(raw, offset + 4, length));
            offset += 4 + length;
        }

        return elements;
    }
}
