using System.Globalization;

namespace ResNetService.Benchmarks.Load;

/// <summary>The command line: every option has a default that finishes in a few minutes on 2 cores.</summary>
public sealed class LoadOptions
{
    public const string Usage = """
        Capacity and overload of the service, started as its own process on 127.0.0.1.

        dotnet run -c Release --project benchmarks/load -- [options]

          --service PATH            ResNetService.Api.dll to start (default: the service built beside this benchmark,
                                    src/ResNetService.Api/bin/<configuration>/net10.0/)
          --model PATH              the .onnx to serve (default: the shipped models/model.onnx)
          --max-batch-size N        Batching__MaxBatchSize given to the service (default 8)
          --queue-capacity N        Batching__QueueCapacity given to the service (default 256, the service's)
          --set KEY=VALUE           any other service setting, as an environment variable (repeatable),
                                    e.g. --set Serilog__MinimumLevel__Default=Warning
          --concurrency N[,N...]    closed-loop clients of the capacity phase; the best level is the capacity
                                    (default 2 x max batch size)
          --warmup-seconds S        unmeasured start of each capacity level (default 5)
          --capacity-seconds S      measured time of each capacity level (default 20)
          --multiples M[,M...]      offered load of the overload phases, in multiples of the capacity (default 2,4)
          --overload-seconds S      length of each overload phase (default 30)
          --settle-seconds S        unmeasured start of each overload phase (default 3)
          --clients N               virtual clients sharing the offered load in the overload phases, one connection
                                    each (default 576)
          --image-size N            side of the square JPEGs sent (default 224)
          --timeout-seconds S       a request without an answer by then counts as an error (default 30)
          --memory                  also run the memory phase (off by default)
          --memory-uploads N        concurrent uploads of the large PNG (default 64)
          --memory-megapixels N     size of the large PNG (default 40)
          --seed N                  seed of the images and of the arrival schedules (default 1)
          --help                    this text
        """;

    public string? ServiceAssembly { get; private set; }

    public string? ModelPath { get; private set; }

    public int MaxBatchSize { get; private set; } = 8;

    public int QueueCapacity { get; private set; } = 256;

    public List<KeyValuePair<string, string>> Settings { get; } = [];

    public IReadOnlyList<int> Concurrency { get; private set; } = [];

    public double WarmupSeconds { get; private set; } = 5;

    public double CapacitySeconds { get; private set; } = 20;

    public IReadOnlyList<double> Multiples { get; private set; } = [2, 4];

    public double OverloadSeconds { get; private set; } = 30;

    public double SettleSeconds { get; private set; } = 3;

    public int? Clients { get; private set; }

    /// <summary>
    /// Enough clients that those waiting for an accepted answer (at most the queue's images plus a batch, 264 at the
    /// defaults) leave others free to send on their schedule, so that the offered load is what the service gets. Not
    /// derived from the queue's count, which is now a memory guard: 8 x (256 + 8) = 2,112 connections took this 2-core
    /// machine's CPU from the model (goodput 0.71 of capacity against 0.92 with 576, same run settings).
    /// </summary>
    public int VirtualClients => Clients ?? 576;

    public int ImageSize { get; private set; } = 224;

    public double TimeoutSeconds { get; private set; } = 30;

    public bool Memory { get; private set; }

    public int MemoryUploads { get; private set; } = 64;

    public int MemoryMegapixels { get; private set; } = 40;

    public int Seed { get; private set; } = 1;

    public bool Help { get; private set; }

    /// <summary>The closed-loop levels: two full batches in flight by default, enough to keep the model busy.</summary>
    public IReadOnlyList<int> ConcurrencyLevels => Concurrency.Count > 0 ? Concurrency : [2 * MaxBatchSize];

    /// <exception cref="ArgumentException">An unknown option or a value out of range.</exception>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--service": options.ServiceAssembly = Path.GetFullPath(Value()); break;
                case "--model": options.ModelPath = Path.GetFullPath(Value()); break;
                case "--max-batch-size": options.MaxBatchSize = Positive(name, Value()); break;
                case "--queue-capacity": options.QueueCapacity = Positive(name, Value()); break;
                case "--set": options.Settings.Add(Setting(Value())); break;
                case "--concurrency": options.Concurrency = [.. List(name, Value()).Select(level => WholeNumber(name, level))]; break;
                case "--warmup-seconds": options.WarmupSeconds = Seconds(name, Value(), allowZero: true); break;
                case "--capacity-seconds": options.CapacitySeconds = Seconds(name, Value()); break;
                case "--multiples": options.Multiples = List(name, Value()); break;
                case "--overload-seconds": options.OverloadSeconds = Seconds(name, Value()); break;
                case "--settle-seconds": options.SettleSeconds = Seconds(name, Value(), allowZero: true); break;
                case "--clients": options.Clients = Positive(name, Value()); break;
                case "--image-size": options.ImageSize = Positive(name, Value()); break;
                case "--timeout-seconds": options.TimeoutSeconds = Seconds(name, Value()); break;
                case "--memory": options.Memory = true; break;
                case "--memory-uploads": options.MemoryUploads = Positive(name, Value()); break;
                case "--memory-megapixels": options.MemoryMegapixels = Positive(name, Value()); break;
                case "--seed": options.Seed = Positive(name, Value()); break;
                case "--help" or "-h": options.Help = true; break;
                default: throw new ArgumentException($"Unknown option {name}.");
            }
        }

        if (options.SettleSeconds >= options.OverloadSeconds)
        {
            throw new ArgumentException("--settle-seconds must be shorter than --overload-seconds.");
        }

        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name} takes a whole number above 0, not '{value}'.");

    private static double Seconds(string name, string value, bool allowZero = false) =>
        double.TryParse(value, CultureInfo.InvariantCulture, out var seconds) && (seconds > 0 || (allowZero && seconds == 0))
            ? seconds
            : throw new ArgumentException($"{name} takes seconds{(allowZero ? " (0 or more)" : " above 0")}, not '{value}'.");

    private static List<double> List(string name, string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(item =>
            double.TryParse(item, CultureInfo.InvariantCulture, out var number) && number > 0
                ? number
                : throw new ArgumentException($"{name} takes numbers above 0 separated by commas, not '{value}'."))];

    private static int WholeNumber(string name, double value) =>
        value == Math.Floor(value) && value <= int.MaxValue ? (int)value : throw new ArgumentException($"{name} takes whole numbers, not {value}.");

    private static KeyValuePair<string, string> Setting(string value)
    {
        var equals = value.IndexOf('=');
        return equals > 0
            ? new(value[..equals], value[(equals + 1)..])
            : throw new ArgumentException($"--set takes KEY=VALUE (e.g. Batching__RetryAfter=00:00:02), not '{value}'.");
    }
}
