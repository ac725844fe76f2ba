using Microsoft.ML.OnnxRuntime;
using ResNetService.Onnx.Graph;
using ResNetService.Onnx.Protos;

namespace ResNetService.Onnx.Tests;

/// <summary>Runs a model with ONNX Runtime on the CPU: the reader the service uses.</summary>
internal sealed class OnnxRunner : IDisposable
{
    private readonly InferenceSession _session;

    public OnnxRunner(ModelProto model)
    {
        _session = new InferenceSession(OnnxModelFile.ToBytes(model));
    }

    public InferenceSession Session => _session;

    /// <summary>Runs one float32 input and returns the first output's values and shape.</summary>
    public (float[] Values, long[] Shape) Run(float[] input, long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        var inputName = _session.InputNames[0];
        using var results = _session.Run(new RunOptions(), [inputName], [value], _session.OutputNames);
        var output = results[0];
        return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }

    public void Dispose() => _session.Dispose();
}
