using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace ResNetService.Benchmarks.Service;

/// <summary>ONNX Runtime's own <c>Run</c> on ready input tensors: the ceiling the service can approach.</summary>
public sealed class OrtBaseline : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly Dictionary<int, OrtValue> _inputs = [];

    public OrtBaseline(string modelPath, params int[] batchSizes)
    {
        // The same session settings as the service (ResNetService.Inference's OnnxSession).
        _options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(modelPath, _options);
        var random = new Random(3);
        foreach (var batch in batchSizes)
        {
            var data = new float[batch * 3 * BenchmarkInputs.ImageSize * BenchmarkInputs.ImageSize];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = (float)(random.NextDouble() * 4 - 2);
            }

            _inputs[batch] = OrtValue.CreateTensorValueFromMemory(data, [batch, 3, BenchmarkInputs.ImageSize, BenchmarkInputs.ImageSize]);
            Run(batch); // Warm-up: first runs allocate and pick kernels.
        }
    }

    public string InputName => _session.InputNames[0];

    /// <summary>The ready input tensor of <paramref name="batch"/> rows, as floats (for the V2 requests).</summary>
    public float[] Tensor(int batch) => _inputs[batch].GetTensorDataAsSpan<float>().ToArray();

    /// <summary>One model run of a ready batch, timed.</summary>
    public TimeSpan Run(int batch)
    {
        var started = Stopwatch.GetTimestamp();
        using var outputs = _session.Run(_runOptions, [_session.InputNames[0]], [_inputs[batch]], _session.OutputNames);
        return Stopwatch.GetElapsedTime(started);
    }

    public void Dispose()
    {
        foreach (var input in _inputs.Values)
        {
            input.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}
