using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// One running instance of the published service: its process, what it printed, and its address. Stopped as a container
/// runtime stops it (<see cref="Terminate"/>: SIGTERM) or, when disposed while still running, killed.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private const int SigTerm = 15;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly StringBuilder _output = new();
    private readonly Process _process;

    private ServiceProcess(ProcessStartInfo start, Uri address)
    {
        BaseAddress = address;
        _process = Process.Start(start) ?? throw new InvalidOperationException("The service did not start.");
        _process.OutputDataReceived += (_, line) => Append(line.Data);
        _process.ErrorDataReceived += (_, line) => Append(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>Everything the service printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Runs <paramref name="command"/> (the ENTRYPOINT) in <paramref name="appFolder"/> with exactly <paramref name="environment"/> added, listening on <paramref name="address"/>.</summary>
    public static ServiceProcess Start(string appFolder, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, Uri address)
    {
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = appFolder, // The image's WORKDIR: relative model paths resolve from here.
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        return new ServiceProcess(start, address);
    }

    /// <summary>Waits (bounded) until <c>/health/ready</c> answers 200.</summary>
    public async Task WaitUntilReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The service exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        Assert.Fail($"/health/ready did not answer 200 within {ReadyTimeout}:\n{Output}");
    }

    /// <summary>Sends SIGTERM, as <c>docker stop</c> and the kubelet do (<see cref="Process.Kill()"/> would send SIGKILL).</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The exit code, once the process has exited within <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The service did not exit within {timeout}:\n{Output}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
