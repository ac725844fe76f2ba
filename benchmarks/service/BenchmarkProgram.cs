using ResNetService.Benchmarks.Service;

/// <summary>
/// End-to-end images/s of the service against ONNX Runtime's own Run on the same model and batch size.
/// Bounded: every loop runs a fixed number of iterations. Only loopback (127.0.0.1) is used.
/// </summary>
/// <remarks>Not top-level statements: the service's own <c>Program</c> is referenced, and the names would clash.</remarks>
public static class BenchmarkProgram
{
    public static async Task Main(string[] args)
    {
        var iterations = Option(args, "--iterations", 5);
        var batch = Option(args, "--batch", 32);
        var clients = Option(args, "--clients", 16);

        var folder = Directory.CreateTempSubdirectory("resnet-service-bench-").FullName;
        try
        {
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            Console.WriteLine("Writing a random-weight ResNet-50 (224x224, 1000 classes) and the JPEGs...");
            var model = BenchmarkInputs.WriteModel(folder, FindLabels());
            var jpegs = BenchmarkInputs.Jpegs(batch);

            var results = new List<Measurement>();
            void Record(Measurement measurement)
            {
                results.Add(measurement);
                Console.WriteLine(measurement);
            }

            Record(OrtBaseline.Measure(model, batch, iterations));
            Record(OrtBaseline.Measure(model, clients, iterations));

            await using (var service = new LoopbackService(new Dictionary<string, string?>
            {
                ["Model:Path"] = model,
                ["Batching:MaxBatchSize"] = batch.ToString(),
                ["Batching:MaxBatchDelay"] = "00:00:00.002",
                ["Batching:QueueCapacity"] = (4 * batch).ToString(),
                ["Uploads:MaxFilesPerBatch"] = batch.ToString(),
                ["Uploads:MaxRequestBytes"] = (256 * 1024 * 1024).ToString(),
                ["Serilog:MinimumLevel:Default"] = "Warning",
            }))
            {
                service.StartServer();
                using var http = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromMinutes(5) };
                Console.WriteLine($"Service listening on {service.Address}");
                var client = new ServiceClient(http);
                Record(await client.BatchAsync(jpegs, iterations));
                Record(await client.ConcurrentAsync(jpegs, clients, iterations));
            }

            Console.WriteLine();
            Console.WriteLine($"Batch {batch}: service / ONNX Runtime = {results[2].ImagesPerSecond / results[0].ImagesPerSecond:P0} of the images/s");
            Console.WriteLine($"{clients} clients: service / one batch-{clients} Run = {results[3].ImagesPerSecond / results[1].ImagesPerSecond:P0} of the images/s");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) && value > 0 ? value : fallback;
    }

    /// <summary>The ImageNet class names shipped in models/, found from the working folder or the repository root above it.</summary>
    private static string? FindLabels()
    {
        for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "models", "imagenet-labels.txt");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
