using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ResNetService.Benchmarks.Load;

/// <summary>
/// The built service started as its own process (<c>dotnet ResNetService.Api.dll</c>), so that its CPU and memory are
/// its own and not the load generator's, listening on 127.0.0.1 and a free port, settings given as environment variables.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int TailBytes = 8192;

    private readonly Process _process;
    private readonly Task[] _drains;
    private readonly byte[] _tail = new byte[TailBytes];
    private int _tailLength;
    private long _outputLines;

    private ServiceProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        _drains = [DrainAsync(process.StandardOutput.BaseStream), DrainAsync(process.StandardError.BaseStream)];
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    /// <summary>Null while the service runs; its exit code once it has exited.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Lines the service wrote to stdout and stderr so far (its log: the console is its only sink).</summary>
    public long OutputLines => Interlocked.Read(ref _outputLines);

    /// <summary>User and system CPU time of the service (read from /proc/&lt;pid&gt;/stat by the runtime).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts the service and waits (bounded) until <c>/health/ready</c> answers 200.</summary>
    public static async Task<ServiceProcess> StartAsync(
        string serviceAssembly, IEnumerable<KeyValuePair<string, string>> settings, TimeSpan readyTimeout)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo(DotNetHost())
        {
            // The service's own output folder is its content root: its appsettings.json is read from there.
            WorkingDirectory = Path.GetDirectoryName(serviceAssembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(serviceAssembly);
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The service did not start.");
        var service = new ServiceProcess(process, address);
        try
        {
            await service.WaitUntilReadyAsync(readyTimeout);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>The most memory the service has held (VmHWM), since it started or since <see cref="ResetPeakMemory"/>.</summary>
    public long PeakMemoryBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>The memory the service holds now (VmRSS).</summary>
    public long MemoryBytes() => StatusKilobytes("VmRSS:") * 1024;

    /// <summary>
    /// Starts the peak (VmHWM) again from the current size, through /proc/&lt;pid&gt;/clear_refs (Linux 4.0 and later, our
    /// own process). False where that is refused: the peak then counts from the service's start.
    /// </summary>
    public bool ResetPeakMemory()
    {
        try
        {
            File.WriteAllText($"/proc/{Id}/clear_refs", "5");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The last few kilobytes the service wrote, for a failure message.</summary>
    public string RecentOutput()
    {
        lock (_tail)
        {
            return Encoding.UTF8.GetString(_tail, 0, _tailLength);
        }
    }

    /// <summary>Stops the service at once (also when the benchmark is interrupted: it must not outlive it).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        await Task.WhenAll(_drains);
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with code {_process.ExitCode}:\n{RecentOutput()}");
            }

            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy loading the model.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"/health/ready did not answer 200 within {timeout}:\n{RecentOutput()}");
    }

    /// <summary>Reads one output stream to its end: counts the lines and keeps the last few kilobytes.</summary>
    private async Task DrainAsync(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            var chunk = buffer.AsSpan(0, read);
            Interlocked.Add(ref _outputLines, chunk.Count((byte)'\n'));
            lock (_tail)
            {
                var keep = Math.Min(read, TailBytes);
                var kept = Math.Min(_tailLength, TailBytes - keep);
                _tail.AsSpan(_tailLength - kept, kept).CopyTo(_tail);
                chunk[^keep..].CopyTo(_tail.AsSpan(kept));
                _tailLength = kept + keep;
            }
        }
    }

    private long StatusKilobytes(string field)
    {
        // A line like "VmHWM:    123456 kB".
        var line = File.ReadLines($"/proc/{Id}/status").FirstOrDefault(line => line.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0]);
    }

    /// <summary>The dotnet host that runs this benchmark, so the service runs on the same runtime.</summary>
    private static string DotNetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "dotnet"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("dotnet is not on PATH.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
