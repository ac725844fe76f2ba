using System.Buffers;
using Google.Protobuf;
using ResNetService.Api.Grpc.Protocol;
using ResNetService.Api.V2;

namespace ResNetService.Api.Grpc;

/// <summary>
/// Translates between the gRPC messages and the V2 core that REST V2 runs on: an input's raw bytes (or its typed
/// contents, laid out as raw) become the request's binary data, and every output is answered in
/// <c>raw_output_contents</c>. The core checks everything else (names, datatypes, shapes, lengths), so both front ends
/// refuse the same requests with the same words.
/// </summary>
public static class GrpcTensors
{
    public static (V2InferenceRequest Request, V2RequestBody Body) ToV2(ModelInferRequest request)
    {
        if (request.RawInputContents.Count > 0 && request.RawInputContents.Count != request.Inputs.Count)
        {
            throw new V2Exception(
                $"The request has {request.Inputs.Count} inputs and {request.RawInputContents.Count} raw_input_contents; give one per input, or none.");
        }

        if (request.RawInputContents.Count > 0 && request.Inputs.Any(input => input.Contents is not null))
        {
            throw new V2Exception("The request has both raw_input_contents and typed contents; use one of them.");
        }

        var inputs = new List<V2RequestInput>(request.Inputs.Count);
        var data = ReadOnlyMemory<byte>.Empty;
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i];
            var bytes = request.RawInputContents.Count > 0 ? request.RawInputContents[i].Memory : Raw(input);
            inputs.Add(new V2RequestInput(input.Name, input.Datatype, [.. input.Shape], Data: null, BinaryDataSize: bytes.Length, ContentType(input)));
            data = bytes; // The core takes one input; it refuses a second by name or count before reading data.
        }

        var outputs = request.Outputs.Count == 0
            ? null
            : request.Outputs.Select(output => new V2RequestOutput(output.Name, BinaryData: true, Classification(output))).ToList();
        return (new V2InferenceRequest(request.Id.Length == 0 ? null : request.Id, inputs, outputs, BinaryDataOutput: true), new V2RequestBody(data));
    }

    public static ModelInferResponse FromV2(V2InferenceResponse response)
    {
        var answer = new ModelInferResponse { ModelName = response.ModelName, ModelVersion = response.ModelVersion, Id = response.Id ?? "" };
        foreach (var output in response.Outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.Datatype };
            tensor.Shape.Add(output.Shape);
            answer.Outputs.Add(tensor);
            var raw = new ArrayBufferWriter<byte>();
            if (output.Floats is { } floats)
            {
                BinaryTensorData.WriteFloats(raw, floats);
            }
            else
            {
                BinaryTensorData.WriteElements(raw, output.Elements!);
            }

            answer.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(raw.WrittenMemory));
        }

        return answer;
    }

    /// <summary>Typed contents in the raw layout: FP32 as little-endian floats, BYTES as length-prefixed elements.</summary>
    private static ReadOnlyMemory<byte> Raw(ModelInferRequest.Types.InferInputTensor input)
    {
        var contents = input.Contents;
        if (contents is null)
        {
            throw new V2Exception($"Input '{input.Name}' has no contents and the request no raw_input_contents.");
        }

        var raw = new ArrayBufferWriter<byte>();
        if (contents.Fp32Contents.Count > 0)
        {
            BinaryTensorData.WriteFloats(raw, [.. contents.Fp32Contents]);
        }
        else if (contents.BytesContents.Count > 0)
        {
            BinaryTensorData.WriteElements(raw, [.. contents.BytesContents.Select(element => element.ToByteArray())]);
        }
        else if (contents.IntContents.Count + contents.Int64Contents.Count + contents.UintContents.Count + contents.Uint64Contents.Count
            + contents.Fp64Contents.Count + contents.BoolContents.Count > 0)
        {
            throw new V2Exception(
                $"Input '{input.Name}' has contents of a type the model does not take; send {V2Datatypes.Fp32} tensors as fp32_contents or images as {V2Datatypes.Bytes} bytes_contents.");
        }

        return raw.WrittenMemory;
    }

    private static string? ContentType(ModelInferRequest.Types.InferInputTensor input) =>
        !input.Parameters.TryGetValue("content_type", out var value) ? null
        : value.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.StringParam ? value.StringParam
        : throw new V2Exception($"Parameter content_type of input '{input.Name}' must be a string.");

    private static int? Classification(ModelInferRequest.Types.InferRequestedOutputTensor output) =>
        !output.Parameters.TryGetValue("classification", out var value) ? null
        : value.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.Int64Param && value.Int64Param is >= 1 and <= int.MaxValue
            ? (int)value.Int64Param
            : throw new V2Exception($"Parameter classification of output '{output.Name}' must be a positive int64.");
}
