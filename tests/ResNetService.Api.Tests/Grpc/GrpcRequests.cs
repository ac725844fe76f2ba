using Google.Protobuf;
using ResNetService.Api.Grpc.Protocol;
using static ResNetService.Api.Tests.V2.V2Requests;

namespace ResNetService.Api.Tests.Grpc;

/// <summary>ModelInfer requests for the test model, as a client builds them: FP32 rows as raw contents, or one encoded image.</summary>
public static class GrpcRequests
{
    public static ModelInferRequest Tensor(float[] values, string model = Model, string version = "")
    {
        var request = new ModelInferRequest { ModelName = model, ModelVersion = version };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { values.Length / RowLength, 3, Size, Size } });
        request.RawInputContents.Add(ByteString.CopyFrom(LittleEndian(values)));
        return request;
    }

    public static ModelInferRequest Image(byte[] image)
    {
        var request = new ModelInferRequest { ModelName = Model };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor
        {
            Name = "input",
            Datatype = "BYTES",
            Shape = { 1 },
            Contents = new InferTensorContents { BytesContents = { ByteString.CopyFrom(image) } },
        });
        return request;
    }
}
