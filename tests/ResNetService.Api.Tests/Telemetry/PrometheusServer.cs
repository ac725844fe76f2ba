using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ResNetService.TestSupport;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>
/// A real Prometheus server (Debian's package <c>prometheus</c>, installed when missing) on a loopback port, with its
/// data in a temporary folder, scraping one target every second. Disposing it stops the process and deletes the folder.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _folder;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string folder, Uri address)
    {
        _process = process;
        _folder = folder;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) and waits (bounded) until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string target)
    {
        var binary = DebianPackages.Require("prometheus", "prometheus");
        var folder = Directory.CreateTempSubdirectory("resnet-prometheus-").FullName;
        var config = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            scrape_configs:
              - job_name: resnet-service
                scrape_interval: 1s
                scrape_timeout: 1s
                static_configs:
                  - targets: ["{target}"]
            """);
        var port = FreeLoopbackPort();
        var start = new ProcessStartInfo(binary,
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(folder, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        // Its log goes to standard error; read it so that the pipe never fills.
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var server = new PrometheusServer(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        await server.WaitUntilAsync(async () => (await server._http.GetAsync("-/ready")).IsSuccessStatusCode, "Prometheus did not become ready");
        return server;
    }

    /// <summary>Runs an instant PromQL query until it returns at least one series (bounded wait); returns the first one's value.</summary>
    public async Task<double> QueryUntilFoundAsync(string promQl)
    {
        double? found = null;
        await WaitUntilAsync(async () =>
        {
            using var response = await _http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(promQl)}");
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var result = answer.RootElement.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() == 0)
            {
                return false;
            }

            // An instant vector sample is [unix time, "value"].
            found = double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            return true;
        }, $"Prometheus found nothing for {promQl}");
        return found!.Value;
    }

    /// <summary>
    /// Runs an instant PromQL query once: the number of series it returned, or Prometheus's error (a syntax error, an
    /// unknown function) with none.
    /// </summary>
    public async Task<(int Series, string? Error)> QueryOnceAsync(string promQl)
    {
        using var response = await _http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(promQl)}");
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("status").GetString() == "success"
            ? (answer.RootElement.GetProperty("data").GetProperty("result").GetArrayLength(), null)
            : (0, answer.RootElement.TryGetProperty("error", out var error) ? error.GetString() : $"HTTP {(int)response.StatusCode}");
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Prometheus exited with code {_process.ExitCode}.");
            }

            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{failure} within {Patience.TotalSeconds:0} s.");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
