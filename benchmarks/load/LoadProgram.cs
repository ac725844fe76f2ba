using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ResNetService.Benchmarks.Load;

/// <summary>
/// Capacity of the service (closed loop), then its goodput and the latency of accepted requests when offered more
/// than that (open loop), with clients that honour Retry-After and clients that ignore it. Bounded in time; the
/// service runs as its own process on 127.0.0.1. See README.md.
/// </summary>
public static class LoadProgram
{
    private const int DistinctImages = 16;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(2);
    private static readonly Stopwatch Elapsed = Stopwatch.StartNew();

    public static async Task<int> Main(string[] args)
    {
        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine(exception.Message);
            Console.Error.WriteLine(LoadOptions.Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(LoadOptions.Usage);
            return 0;
        }

        var serviceAssembly = options.ServiceAssembly ?? BuiltServiceAssembly();
        var model = options.ModelPath ?? Path.Combine(RepositoryRoot(), "models", "model.onnx");
        foreach (var file in new[] { serviceAssembly, model })
        {
            if (!File.Exists(file))
            {
                Console.Error.WriteLine($"Not found: {file} (build with `dotnet build -c Release benchmarks/load`, or see --help).");
                return 2;
            }
        }

        var settings = new List<KeyValuePair<string, string>>
        {
            new("Model__Path", model),
            new("Batching__MaxBatchSize", options.MaxBatchSize.ToString(CultureInfo.InvariantCulture)),
            new("Batching__QueueCapacity", options.QueueCapacity.ToString(CultureInfo.InvariantCulture)),
        };
        settings.AddRange(options.Settings);

        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"Service: dotnet {serviceAssembly}");
#if DEBUG
        Console.WriteLine("Warning: a Debug build of the benchmark (and, by default, of the service); measure with -c Release.");
#endif
        Console.WriteLine($"Settings: {string.Join(" ", settings.Select(setting => $"{setting.Key}={setting.Value}"))}");
        var images = LoadImages.Jpegs(DistinctImages, options.ImageSize, options.Seed);
        Console.WriteLine($"Requests: POST /classify, raw image/jpeg bodies, {DistinctImages} JPEGs of {options.ImageSize}x{options.ImageSize} " +
            $"({images.Average(image => image.Length) / 1e3:0.0} kB on average)");

        Progress("Starting the service...");
        await using var service = await ServiceProcess.StartAsync(serviceAssembly, settings, ReadyTimeout);
        // Ctrl+C or a kill ends this process without running its finally blocks: the service goes with it.
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => service.Kill());
        using var onTermination = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => service.Kill());
        Progress($"Service ready on {service.Address} (pid {service.Id}); overload phases: {options.VirtualClients} virtual clients");
        var connections = Math.Max(options.VirtualClients, options.ConcurrencyLevels.Max());
        using var sender = new ClassifySender(service.Address, connections, TimeSpan.FromSeconds(options.TimeoutSeconds));

        var results = new List<PhaseResult>();
        PhaseResult? capacity = null;
        foreach (var callers in options.ConcurrencyLevels)
        {
            var result = await RunAsync(service, $"capacity, {callers} callers", offered: null, window =>
                LoadPhases.ClosedLoopAsync(sender, images, callers, window), options.WarmupSeconds, options.CapacitySeconds);
            results.Add(result);
            capacity = capacity is null || result.Goodput > capacity.Goodput ? result : capacity;
        }

        if (capacity!.Goodput <= 0)
        {
            Console.Error.WriteLine($"No image was answered in the capacity phase. The service's last output:\n{service.RecentOutput()}");
            return 1;
        }

        Progress($"Capacity: {capacity.Goodput:0.0} images/s ({capacity.Name}); p99 {capacity.P99Ms:0.0} ms");
        var last = new Dictionary<RetryBehaviour, PhaseResult>();
        foreach (var behaviour in Enum.GetValues<RetryBehaviour>())
        {
            foreach (var multiple in options.Multiples)
            {
                var rate = multiple * capacity.Goodput;
                var result = await RunAsync(service, $"{multiple:0.##}x, {Name(behaviour)}", rate, window =>
                    LoadPhases.OpenLoopAsync(sender, images, rate, options.VirtualClients, behaviour, window, options.Seed),
                    options.SettleSeconds, options.OverloadSeconds - options.SettleSeconds);
                results.Add(result);
                last[behaviour] = result;
            }
        }

        Progress("Bulk phase...");
        var bulk = await BulkPhase.RunAsync(service, options.Seed);
        var memory = options.Memory ? await MemoryPhase.RunAsync(service, options) : null;

        Console.WriteLine();
        Console.Write(Report.Table(results));
        Console.WriteLine();
        foreach (var (behaviour, result) in last)
        {
            Console.WriteLine(Report.Ratios(Name(behaviour), capacity, result, options.Multiples[^1]));
        }

        Console.WriteLine();
        Console.WriteLine(bulk);
        if (memory is not null)
        {
            Console.WriteLine();
            Console.WriteLine(memory);
        }

        Console.WriteLine();
        Progress("Done");
        return 0;
    }

    /// <summary>Runs one phase, measures both processes over it (until its last answer), then lets the service go idle.</summary>
    private static async Task<PhaseResult> RunAsync(
        ServiceProcess service, string name, double? offered, Func<PhaseWindow, Task<Tally>> load, double unmeasuredSeconds, double measuredSeconds)
    {
        Progress($"{name}: {unmeasuredSeconds + measuredSeconds:0.#} s" + (offered is { } rate ? $", {rate:0.0} images/s offered" : ""));
        var meter = new ResourceMeter(service);
        var tally = await load(PhaseWindow.StartingNow(unmeasuredSeconds, measuredSeconds));
        var result = new PhaseResult(name, offered, tally, meter.Stop());
        if (service.ExitCode is { } exitCode)
        {
            throw new InvalidOperationException($"The service exited with code {exitCode} during {name}:\n{service.RecentOutput()}");
        }
        await Task.Delay(Pause);
        return result;
    }

    private static void Progress(string line) => Console.WriteLine($"[{Elapsed.Elapsed:mm\\:ss}] {line}");

    private static string Name(RetryBehaviour behaviour) => behaviour switch
    {
        RetryBehaviour.HonourRetryAfter => "honour Retry-After",
        _ => "ignore Retry-After",
    };

    /// <summary>
    /// The service built with this benchmark (its project reference): same configuration and target framework, in
    /// the service's own output folder.
    /// </summary>
    private static string BuiltServiceAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        return Path.Combine(RepositoryRoot(), "src", "ResNetService.Api", "bin", configuration, framework, "ResNetService.Api.dll");
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "ResNetService.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
