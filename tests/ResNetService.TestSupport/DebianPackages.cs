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

    /// <summary>
    /// Debian's own Python, <c>/usr/bin/python3</c>, after installing <paramref name="package"/> if it cannot import
    /// <paramref name="module"/> (e.g. numpy from python3-numpy). Not the first python3 on PATH: a pyenv or venv
    /// interpreter does not see the modules apt installs.
    /// </summary>
    public static string RequirePythonModule(string module, string package) =>
        Installed.GetOrAdd($"python3 -c 'import {module}'", _ => new Lazy<string>(() =>
        {
            const string python = "/usr/bin/python3";
            bool CanImport() => File.Exists(python) && Run(python, ["-c", $"import {module}"]).ExitCode == 0;
            if (CanImport())
            {
                return python;
            }

            var (exitCode, output) = AptGetInstall(package);
            return CanImport()
                ? python
                : throw new InvalidOperationException($"{python} cannot import {module} after apt-get install {package} (exit code {exitCode}): {output}");
        })).Value;

    /// <summary><paramref name="folder"/>, after installing <paramref name="package"/> if it does not exist (a data set, e.g. dataset-fashion-mnist).</summary>
    public static string RequireFolder(string folder, string package) =>
        Installed.GetOrAdd(folder, _ => new Lazy<string>(() =>
        {
            if (Directory.Exists(folder))
            {
                return folder;
            }

            var (exitCode, output) = AptGetInstall(package);
            return Directory.Exists(folder)
                ? folder
                : throw new InvalidOperationException($"{folder} is missing after apt-get install {package} (exit code {exitCode}): {output}");
        })).Value;

    private static string Install(string command, string package)
    {
        if (Find(command) is { } installed)
        {
            return installed;
        }

        var (exitCode, output) = AptGetInstall(package);
        return Find(command)
            ?? throw new InvalidOperationException($"apt-get could not install {package} (exit code {exitCode}): {output}");
    }

    private static (int ExitCode, string Output) AptGetInstall(string package)
    {
        var aptGet = Find("apt-get")
            ?? throw new InvalidOperationException($"There is no apt-get to install {package}.");
        // Another test process may be installing at the same time: wait for dpkg's lock instead of failing on it.
        string[] install = ["-o", "DPkg::Lock::Timeout=300", "install", "-y", "--no-install-recommends", package];
        var (exitCode, output) = Run(aptGet, install);
        if (exitCode != 0)
        {
            // A fresh machine may have no package lists yet.
            Run(aptGet, ["-o", "DPkg::Lock::Timeout=300", "update"]);
            (exitCode, output) = Run(aptGet, install);
        }

        return (exitCode, output);
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
