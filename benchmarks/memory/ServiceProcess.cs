using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ResNetService.Benchmarks.Memory;

/// <summary>
/// The published service as its own process (<c>dotnet ResNetService.Api.dll</c>), listening on 127.0.0.1, so that
/// its memory is measured apart from the load generator's.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    public ServiceProcess(string serviceDll, IReadOnlyDictionary<string, string> environment)
    {
        Port = FreePort();
        var start = new ProcessStartInfo("dotnet", [serviceDll])
        {
            // The content root: appsettings.json and models/ are beside the service's dll.
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(serviceDll))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = Address.ToString();
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public int Id => _process.Id;

    /// <summary>Waits (at most two minutes) until <c>/health/ready</c> answers 200.</summary>
    public async Task WaitUntilReadyAsync(HttpClient http)
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}:\n{LastLines()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Address, "/health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The service was not ready within two minutes:\n{LastLines()}");
    }

    /// <summary>The last lines the service wrote, for when it fails.</summary>
    public string LastLines()
    {
        lock (_lastLines)
        {
            return string.Join('\n', _lastLines);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 40)
            {
                _lastLines.Dequeue();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
