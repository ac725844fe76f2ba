using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace ResNetService.Benchmarks.Service;

/// <summary>ONNX Runtime's own <c>Run</c> on a ready input tensor: the ceiling the service can approach.</summary>
public static class OrtBaseline
{
    public static Measurement Measure(string modelPath, int batch, int iterations)
    {
        // The same session settings as the service (ResNetService.Inference's OnnxModel).
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(modelPath, options);
        var inputName = session.InputNames[0];

        var shape = new long[] { batch, 3, BenchmarkInputs.ImageSize, BenchmarkInputs.ImageSize };
        var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
        var random = new Random(3);
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)(random.NextDouble() * 4 - 2);
        }

        using var input = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var runOptions = new RunOptions();
        void RunOnce()
        {
            using var outputs = session.Run(runOptions, [inputName], [input], session.OutputNames);
        }

        RunOnce(); // Warm-up: first runs allocate and pick kernels.
        var latencies = new List<TimeSpan>(iterations);
        var total = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            RunOnce();
            latencies.Add(Stopwatch.GetElapsedTime(started));
        }

        return new Measurement($"ONNX Runtime Run, batch {batch} (ready tensor)", batch * iterations, total.Elapsed, latencies);
    }
}
