using System.Diagnostics;
using ResNetService.TestSupport;

namespace ResNetService.Api.Tests.Telemetry;

/// <summary>Prometheus's own checker, from Debian's package <c>prometheus</c> (installed when missing).</summary>
public static class Promtool
{
    public static string Path => DebianPackages.Require("promtool", "prometheus");

    /// <summary><c>promtool check metrics</c> on an exposition given on standard input (it also lints names and units).</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var start = new ProcessStartInfo(Path, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
