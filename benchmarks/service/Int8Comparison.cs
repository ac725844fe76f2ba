using Google.Protobuf;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Preprocessing;
using ResNetService.Onnx.Graph;
using ResNetService.Onnx.ModelFile;
using ResNetService.Quantization;

namespace ResNetService.Benchmarks.Service;

/// <summary>
/// <c>--int8</c>: the same ResNet-50 in fp32 and int8 (quantized here by the project's own quantizer, calibrated on
/// the benchmark's JPEGs as the service preprocesses them), each served as a repository model and each run by ONNX
/// Runtime itself, at the same batch sizes: int8 against fp32, and the service against <c>Run</c>.
/// </summary>
public static class Int8Comparison
{
    public static async Task RunAsync(string folder, string fp32Model, byte[][] jpegs, int iterations, int batch, int clients, bool reduceRange)
    {
        // Before anything starts ONNX Runtime, as the service does (see BenchmarkProgram).
        var shared = Inference.Model.OrtEnvironment.UseSharedThreadPools(null, null);
        Console.WriteLine($"Service sessions share global thread pools: {shared}");
        var int8Model = Path.Combine(folder, "resnet50-random-int8.onnx");
        Console.WriteLine($"Quantizing it ({jpegs.Length} calibration images, percentile 99.999, {(reduceRange ? "7-bit" : "8-bit")} weights)...");
        var settings = Preprocessing(fp32Model);
        var inputs = new float[jpegs.Length * settings.TensorLength];
        for (var i = 0; i < jpegs.Length; i++)
        {
            using var bitmap = ImageDecoder.Decode(jpegs[i], new ImageLimits(), settings);
            ImagePreprocessor.WriteTensor(bitmap, settings, inputs.AsSpan(i * settings.TensorLength, settings.TensorLength));
        }

        var int8 = StaticQuantizer.Quantize(OnnxModelFile.Read(fp32Model), settings.ImageSize, [(inputs, jpegs.Length)],
            CalibrationMethod.AtPercentile(99.999), reduceRange);
        Console.WriteLine($"ONNX Runtime's optimized graph: {FusionReport.Of(int8)}.");
        File.WriteAllBytes(int8Model, int8.ToByteArray());
        Console.WriteLine($"Files: fp32 {new FileInfo(fp32Model).Length / 1e6:0.0} MB, int8 {new FileInfo(int8Model).Length / 1e6:0.0} MB");

        var repository = folder; // it holds both files: the service follows no link out of its root
        foreach (var (name, file) in new[] { ("fp32", fp32Model), ("int8", int8Model) })
        {
            Directory.CreateDirectory(Path.Combine(repository, name, "1"));
            File.CreateSymbolicLink(Path.Combine(repository, name, "1", "model.onnx"), file);
        }

        using var fp32Run = new OrtBaseline(fp32Model, batch, clients);
        using var int8Run = new OrtBaseline(int8Model, batch, clients);
        await using var service = new LoopbackService(BenchmarkProgram.ServiceSettings(fp32Model, repository, batch));
        service.StartServer();
        using var http = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromMinutes(5) };
        var client = new ServiceClient(http);
        await client.WaitUntilReadyAsync();

        var rows = new List<(string Precision, Measurement RunBatch, Measurement ServiceBatch, Measurement RunClients, Measurement ServiceClients)>();
        foreach (var precision in new[] { "fp32", "int8" })
        {
            rows.Add((precision,
                new Measurement($"{precision}: ONNX Runtime Run, batch {batch}"),
                new Measurement($"{precision}: service /classify/batch, {batch} JPEGs"),
                new Measurement($"{precision}: ONNX Runtime Run, batch {clients}"),
                new Measurement($"{precision}: service /classify, {clients} clients")));
            await client.BatchAsync(jpegs, $"/models/{precision}/classify/batch"); // warm-up of the HTTP path
            await client.ConcurrentAsync(jpegs, clients, round: 0, $"/models/{precision}/classify");
        }

        // Rounds interleave fp32 and int8, so that load from elsewhere on a shared machine hits both alike.
        for (var round = 0; round < iterations; round++)
        {
            foreach (var (precision, runBatch, serviceBatch, runClients, serviceClients) in rows)
            {
                var baseline = precision == "fp32" ? fp32Run : int8Run;
                var run = baseline.Run(batch);
                runBatch.Add(batch, run, [run]);
                var request = await client.BatchAsync(jpegs, $"/models/{precision}/classify/batch");
                serviceBatch.Add(batch, request, [request]);
                run = baseline.Run(clients);
                runClients.Add(clients, run, [run]);
                var (latencies, elapsed) = await client.ConcurrentAsync(jpegs, clients, round, $"/models/{precision}/classify");
                serviceClients.Add(clients, elapsed, latencies);
            }

            Console.WriteLine($"round {round + 1}/{iterations} done");
        }

        Console.WriteLine();
        foreach (var row in rows)
        {
            Console.WriteLine(row.RunBatch);
            Console.WriteLine(row.ServiceBatch);
            Console.WriteLine(row.RunClients);
            Console.WriteLine(row.ServiceClients);
        }

        Console.WriteLine();
        var (f, q) = (rows[0], rows[1]);
        foreach (var row in rows)
        {
            Console.WriteLine($"{row.Precision}: service / Run = {row.ServiceBatch.ImagesPerSecond / row.RunBatch.ImagesPerSecond:0.00} (batch {batch}), " +
                $"{row.ServiceClients.ImagesPerSecond / row.RunClients.ImagesPerSecond:0.00} ({clients} clients against a batch-{clients} Run)");
        }

        Console.WriteLine($"int8 / fp32: Run {q.RunBatch.ImagesPerSecond / f.RunBatch.ImagesPerSecond:0.00}x (batch {batch}), " +
            $"{q.RunClients.ImagesPerSecond / f.RunClients.ImagesPerSecond:0.00}x (batch {clients}); " +
            $"service {q.ServiceBatch.ImagesPerSecond / f.ServiceBatch.ImagesPerSecond:0.00}x (/classify/batch), " +
            $"{q.ServiceClients.ImagesPerSecond / f.ServiceClients.ImagesPerSecond:0.00}x ({clients} clients)");
    }

    /// <summary>The preprocessing the service resolves for the model (from its metadata).</summary>
    private static PreprocessingSettings Preprocessing(string model)
    {
        using var loaded = OnnxSession.Load(new ModelLoadSettings { Path = model, ExecutionProvider = Inference.ExecutionProviders.ExecutionProviderPreference.Cpu });
        return loaded.Info.Preprocessing;
    }
}
