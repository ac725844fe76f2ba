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
            var jpegs = BenchmarkInputs.Jpegs(batch);
            if (args.Contains("--decoding"))
            {
                DecodingComparison.Run(jpegs, iterations);
                return;
            }

            Console.WriteLine("Writing a random-weight ResNet-50 (224x224, 1000 classes)...");
            var model = BenchmarkInputs.WriteModel(folder, FindLabels());

            if (args.Contains("--int8"))
            {
                await Int8Comparison.RunAsync(folder, model, jpegs, iterations, batch, clients, reduceRange: !args.Contains("--full-range"));
                return;
            }

            // Two more models in a repository (links to the same file), to show that loaded models share the cores
            // without slowing one another down. The service's sessions share ONNX Runtime's global thread pools when
            // the environment is created before anything else starts ONNX Runtime: here, before the baseline below.
            // The repository is the folder that holds the file: the service follows no link out of its root.
            var repository = folder;
            foreach (var name in new[] { "a", "b" })
            {
                Directory.CreateDirectory(Path.Combine(repository, name, "1"));
                File.CreateSymbolicLink(Path.Combine(repository, name, "1", "model.onnx"), model);
            }

            // --per-session-pools: the comparison, ONNX Runtime started first (by the baseline) as it is by default.
            var shared = !args.Contains("--per-session-pools") && ResNetService.Inference.Model.OrtEnvironment.UseSharedThreadPools(null, null);
            Console.WriteLine($"Service sessions share global thread pools: {shared}");

            using var onnxRuntime = new OrtBaseline(model, batch, clients);
            await using var service = new LoopbackService(ServiceSettings(model, repository, batch));
            service.StartServer();
            using var http = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromMinutes(5) };
            Console.WriteLine($"Service listening on {service.Address}");
            var client = new ServiceClient(http);
            await client.WaitUntilReadyAsync();
            await client.BatchAsync(jpegs); // Warm-up of the HTTP path.
            await client.ConcurrentAsync(jpegs, clients, round: 0);
            await client.ConcurrentAsync(jpegs, clients, round: 0, "/embed");
            await client.ConcurrentAsync(jpegs, clients, round: 0, "/explain");
            await client.ConcurrentAsync(jpegs, clients, round: 0, "/models/a/classify", "/models/b/classify");
            var modelName = Path.GetFileNameWithoutExtension(model);
            var v2 = new V2Requests(onnxRuntime.InputName, onnxRuntime.Tensor(batch), batch);
            await client.V2InferAsync(modelName, v2.JsonContent());
            await client.V2InferAsync(modelName, v2.BinaryContent());
            using var grpc = new GrpcClient(service.GrpcAddress, modelName, onnxRuntime.InputName, onnxRuntime.Tensor(batch), batch);
            await grpc.BatchAsync();
            await grpc.ConcurrentAsync(clients);

            var ortBatch = new Measurement($"ONNX Runtime Run, batch {batch} (ready tensor)");
            var serviceBatch = new Measurement($"Service POST /classify/batch, {batch} JPEGs 640x480");
            var v2Json = new Measurement($"Service V2 infer JSON, FP32 [{batch},3,224,224] ({v2.JsonBytes / 1e6:0.0} MB)");
            var v2Binary = new Measurement($"Service V2 infer binary, FP32 [{batch},3,224,224] ({v2.BinaryBytes / 1e6:0.0} MB)");
            var grpcBatch = new Measurement($"Service gRPC ModelInfer raw, FP32 [{batch},3,224,224]");
            var grpcClients = new Measurement($"Service gRPC ModelInfer raw, {clients} concurrent clients");
            var ortClients = new Measurement($"ONNX Runtime Run, batch {clients} (ready tensor)");
            var serviceClients = new Measurement($"Service POST /classify, {clients} concurrent clients");
            var embedClients = new Measurement($"Service POST /embed, {clients} concurrent clients");
            var explainClients = new Measurement($"Service POST /explain (PNG), {clients} concurrent clients");
            var oneModel = new Measurement($"One repository model, {clients / 2} concurrent clients");
            var twoModels = new Measurement($"Two repository models at once, {clients / 2} clients each");

            // Rounds interleave the scenarios, so that load from elsewhere on a shared machine hits all of them alike.
            using var batchSizes = new BatchSizes();
            for (var round = 0; round < iterations; round++)
            {
                var run = onnxRuntime.Run(batch);
                ortBatch.Add(batch, run, [run]);
                var request = await client.BatchAsync(jpegs);
                serviceBatch.Add(batch, request, [request]);
                var json = await client.V2InferAsync(modelName, v2.JsonContent());
                v2Json.Add(batch, json, [json]);
                var binary = await client.V2InferAsync(modelName, v2.BinaryContent());
                v2Binary.Add(batch, binary, [binary]);
                var grpcRun = await grpc.BatchAsync();
                grpcBatch.Add(batch, grpcRun, [grpcRun]);
                run = onnxRuntime.Run(clients);
                ortClients.Add(clients, run, [run]);
                batchSizes.Take();
                var (grpcLatencies, grpcElapsed) = await grpc.ConcurrentAsync(clients);
                grpcClients.Add(clients, grpcElapsed, grpcLatencies);
                grpcClients.AddBatches(batchSizes.Take());
                var (latencies, elapsed) = await client.ConcurrentAsync(jpegs, clients, round);
                serviceClients.Add(clients, elapsed, latencies);
                serviceClients.AddBatches(batchSizes.Take());
                (latencies, elapsed) = await client.ConcurrentAsync(jpegs, clients, round, "/embed");
                embedClients.Add(clients, elapsed, latencies);
                (latencies, elapsed) = await client.ConcurrentAsync(jpegs, clients, round, "/explain");
                explainClients.Add(clients, elapsed, latencies);
                (latencies, elapsed) = await client.ConcurrentAsync(jpegs, clients / 2, round, "/models/a/classify");
                oneModel.Add(clients / 2, elapsed, latencies);
                (latencies, elapsed) = await client.ConcurrentAsync(jpegs, clients, round, "/models/a/classify", "/models/b/classify");
                twoModels.Add(clients, elapsed, latencies);
                Console.WriteLine($"round {round + 1}/{iterations} done");
            }

            Console.WriteLine();
            foreach (var measurement in new[] { ortBatch, serviceBatch, v2Json, v2Binary, grpcBatch, ortClients, grpcClients, serviceClients, embedClients, explainClients, oneModel, twoModels })
            {
                Console.WriteLine(measurement);
            }

            Console.WriteLine();
            Console.WriteLine($"Batch {batch}: service / ONNX Runtime Run = {serviceBatch.ImagesPerSecond / ortBatch.ImagesPerSecond:P0} of the images/s");
            Console.WriteLine($"Batch {batch}: V2 JSON / ONNX Runtime Run = {v2Json.ImagesPerSecond / ortBatch.ImagesPerSecond:P0} of the images/s");
            Console.WriteLine($"Batch {batch}: V2 binary / ONNX Runtime Run = {v2Binary.ImagesPerSecond / ortBatch.ImagesPerSecond:P0} of the images/s");
            Console.WriteLine($"Batch {batch}: gRPC raw / ONNX Runtime Run = {grpcBatch.ImagesPerSecond / ortBatch.ImagesPerSecond:P0} of the images/s");
            Console.WriteLine($"{clients} clients: gRPC raw / one batch-{clients} Run = {grpcClients.ImagesPerSecond / ortClients.ImagesPerSecond:P0} of the images/s");
            Console.WriteLine($"{clients} clients: service / one batch-{clients} Run = {serviceClients.ImagesPerSecond / ortClients.ImagesPerSecond:P0} of the images/s");
            Console.WriteLine($"{clients} clients: /embed / /classify = {embedClients.ImagesPerSecond / serviceClients.ImagesPerSecond:P0} of the images/s");
            Console.WriteLine($"{clients} clients: /explain / /classify = {explainClients.ImagesPerSecond / serviceClients.ImagesPerSecond:P0} of the images/s");
            // The same batches either way (clients / 2 per model): on CPU-bound cores, a ratio near 100 % means the two
            // models' runs take turns on the shared pools instead of fighting over the cores.
            Console.WriteLine($"Two models at once ({clients / 2} clients each) / one model ({clients / 2} clients) = {twoModels.ImagesPerSecond / oneModel.ImagesPerSecond:P0} of the images/s");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The service's settings in every scenario: batches of the size measured, no deadline, large bodies.</summary>
    public static Dictionary<string, string?> ServiceSettings(string model, string repository, int batch) => new()
    {
        ["Model:Path"] = model,
        ["ModelRepository:Root"] = repository,
        ["ModelRepository:PollInterval"] = "00:00:00",
        ["Batching:MaxBatchSize"] = batch.ToString(),
        ["Batching:MaxBatchDelay"] = "00:00:00.002",
        ["Batching:QueueCapacity"] = (4 * batch).ToString(),
        ["Batching:QueueTimeout"] = "00:00:00", // no deadline: a busy shared machine must not turn slow answers into refusals
        ["Uploads:MaxFilesPerBatch"] = batch.ToString(),
        ["Uploads:MaxRequestBytes"] = (256 * 1024 * 1024).ToString(),
        ["V2:MaxRequestBytes"] = (256 * 1024 * 1024).ToString(), // a JSON batch of 32 (about 60 MB) too
        ["V2:MaxBatchSize"] = batch.ToString(),
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

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
