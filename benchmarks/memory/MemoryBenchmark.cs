using ResNetService.Benchmarks.Memory;

/// <summary>
/// <c>load</c> (the default): starts the Release service as its own process on 127.0.0.1, sends many concurrent
/// uploads of one large PNG and reports the service's peak resident memory (VmHWM). <c>costs</c>: what one decode and
/// one session add to this process's memory. Bounded: one round of uploads, every wait capped.
/// </summary>
public static class MemoryBenchmark
{
    public static async Task<int> Main(string[] args)
    {
        var repository = RepositoryRoot();
        var width = Option(args, "--width", 8000);
        var height = Option(args, "--height", 5000);
        var model = Option(args, "--model", Path.Combine(repository, "models", "model.onnx"));
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        var png = Image(width, height);

        if (args.FirstOrDefault() == "costs")
        {
            DecodeAndSessionCosts.Run(png, width, height, model, Option(args, "--batch", 8), Option(args, "--sessions", 3));
            return 0;
        }

        var uploads = Option(args, "--uploads", 64);
        var limitMiB = Option(args, "--memory-limit-mib", 2048);
        var serviceDll = Option(args, "--service",
            Path.Combine(repository, "src", "ResNetService.Api", "bin", "Release", "net10.0", "ResNetService.Api.dll"));
        if (!File.Exists(serviceDll))
        {
            Console.Error.WriteLine($"{serviceDll} is missing: dotnet build -c Release src/ResNetService.Api");
            return 1;
        }

        var environment = new Dictionary<string, string>
        {
            ["Model__Path"] = Path.GetFullPath(model),
            ["Model__ExecutionProvider"] = "Cpu",
            ["Model__IntraOpThreads"] = "2", // as docker/k8s/deployment.yaml
            ["Serilog__MinimumLevel__Default"] = "Warning",
            ["Serilog__MinimumLevel__Override__ResNetService.Inference.Memory.MemoryBudget"] = "Information",
        };
        if (limitMiB > 0)
        {
            // The runtime then sizes itself as in a container with that memory limit (the GC heap limit is 75 % of it),
            // and the service derives its memory budget from that, as it would in the pod. Nothing enforces the limit here.
            environment["DOTNET_GCTotalPhysicalMemory"] = ((long)limitMiB * 1024 * 1024).ToString("X");
        }

        foreach (var setting in Options(args, "--set"))
        {
            var (key, value) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
            environment[key.Replace(":", "__")] = value;
        }

        await using var service = new ServiceProcess(serviceDll, environment);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await service.WaitUntilReadyAsync(http);
        var idle = ProcessMemory.Resident(service.Id);
        var multipart = args.Contains("--multipart");
        Console.WriteLine($"Service {serviceDll} (pid {service.Id}), container limit simulated: {(limitMiB > 0 ? $"{limitMiB} MiB" : "none")}");
        Console.WriteLine($"Sending {uploads} concurrent {(multipart ? "multipart" : "raw")} uploads of a {width}x{height} PNG ({png.Length / 1e6:0.0} MB)...");

        var outcome = await UploadStorm.RunAsync(service.Address, png, uploads, multipart);
        var peak = ProcessMemory.Peak(service.Id);
        Console.WriteLine($"Idle (model loaded): {ProcessMemory.Megabytes(idle)}; peak under load (VmHWM): {ProcessMemory.Megabytes(peak)}");
        Console.WriteLine($"Answers: {string.Join(", ", outcome.StatusCounts.OrderBy(s => s.Key).Select(s => $"{s.Value} x {s.Key}"))} in {outcome.Elapsed.TotalSeconds:0.0} s");
        var budgetLines = service.LastLines().Split('\n').Where(line => line.Contains("memory budget", StringComparison.OrdinalIgnoreCase));
        foreach (var line in budgetLines)
        {
            Console.WriteLine($"Service: {line}");
        }

        return 0;
    }

    /// <summary>The noise PNG, drawn once per size and kept in the temp folder (drawing 40 MP takes a while).</summary>
    private static byte[] Image(int width, int height)
    {
        var path = Path.Combine(Path.GetTempPath(), $"resnet-memory-benchmark-{width}x{height}-v1.png");
        if (!File.Exists(path))
        {
            Console.WriteLine($"Drawing a {width}x{height} noise PNG into {path}...");
            File.WriteAllBytes(path, NoisePng.Create(width, height));
        }

        return File.ReadAllBytes(path);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ResNetService.sln")))
            {
                return folder.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private static int Option(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;

    private static string Option(string[] args, string name, string fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

    private static IEnumerable<string> Options(string[] args, string name) =>
        args.Select((arg, i) => (arg, i)).Where(a => a.arg == name && a.i + 1 < args.Length).Select(a => args[a.i + 1]);
}
