using System.Collections.Concurrent;
using System.Diagnostics;

namespace ResNetService.TestSupport;

/// <summary>
/// Tools the checks run, installed from Debian's packages with apt-get when missing, so that a check never passes by
/// not running (e.g. docker-compose, or promtool and prometheus from the package <c>prometheus</c>).
/// </summary>
public static class DebianPackages
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Installed = new();

    /// <summary>The full path of <paramref name="command"/>, after installing <paramref name="package"/> if it is not on PATH.</summary>
    public static string Require(string command, string package) =>
        Installed.GetOrAdd(command, _ => new Lazy<string>(() => Install(command, package))).Value;

    /// <summary>The full path of an executable on PATH, or null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    private static string Install(string command, string package)
    {
        if (Find(command) is { } installed)
        {
            return installed;
        }

        var aptGet = Find("apt-get")
            ?? throw new InvalidOperationException($"{command} is missing and there is no apt-get to install {package}.");
        // Another test process may be installing at the same time: wait for dpkg's lock instead of failing on it.
        string[] install = ["-o", "DPkg::Lock::Timeout=300", "install", "-y", "--no-install-recommends", package];
        var (exitCode, output) = Run(aptGet, install);
        if (exitCode != 0)
        {
            // A fresh machine may have no package lists yet.
            Run(aptGet, ["-o", "DPkg::Lock::Timeout=300", "update"]);
            (exitCode, output) = Run(aptGet, install);
        }

        return Find(command)
            ?? throw new InvalidOperationException($"apt-get could not install {package} (exit code {exitCode}): {output}");
    }

    private static (int ExitCode, string Output) Run(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            Environment = { ["DEBIAN_FRONTEND"] = "noninteractive" },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} ran past 10 minutes.");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
