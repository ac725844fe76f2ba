using System.Diagnostics;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests;

/// <summary>
/// Bad configuration stops the real service process at start with one clear line naming the setting, exit code 1 and
/// no stack trace. (A test host cannot show this: it needs the process's own output and exit code.)
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class OptionsTests(ServiceFixture fixture)
{
    [Theory]
    [InlineData("--Uploads:MaxFilesPerBatch=0", "MaxFilesPerBatch")]
    [InlineData("--Uploads:MaxRequestBytes=abc", "Uploads:MaxRequestBytes")]
    [InlineData("--Batching:MaxBatchDelay=00:00:05", "Batching:MaxBatchDelay")]
    [InlineData("--Batching:QueueCapacity=8", "Batching:QueueCapacity")] // Below Uploads:MaxFilesPerBatch (32).
    [InlineData("--ModelRepository:Root=/no/such/repository", "ModelRepository:Root")]
    [InlineData("--ModelRepository:VersionPolicy:Latest=0", "ModelRepository:VersionPolicy")]
    [InlineData("--Shutdown:AcceptDelay=-00:00:01", "Shutdown:AcceptDelay")]
    [InlineData("--Shutdown:DrainTimeout=abc", "Shutdown:DrainTimeout")]
    [InlineData("--Memory:WaitTimeout=-00:00:01", "Memory:WaitTimeout")]
    [InlineData("--Memory:BaselineBytes=999999999999999", "Memory:BaselineBytes")] // Nothing left of the memory .NET reports.
    [InlineData("--Batching:QueueTimeout=-00:00:01", "Batching:QueueTimeout")]
    [InlineData("--Batching:RefusalDelay=00:00:02", "Batching:RefusalDelay")] // Longer than Batching:RetryAfter (1 s).
    [InlineData("--ForwardedHeaders:KnownProxies:0=proxy.local", "ForwardedHeaders:KnownProxies has 'proxy.local'")]
    [InlineData("--ForwardedHeaders:KnownNetworks:0=10.0.0.0", "ForwardedHeaders:KnownNetworks has '10.0.0.0'")]
    [InlineData("--RateLimiting:TokenLimit=0", "TokenLimit")]
    [InlineData("--RateLimiting:ReplenishmentPeriod=00:00:00", "RateLimiting:ReplenishmentPeriod")]
    public async Task An_invalid_option_stops_the_start_with_one_clear_line(string setting, string named)
    {
        var (exitCode, output) = await RunServiceAsync($"--Model:Path={fixture.Model.Path}", setting);

        Assert.Equal(1, exitCode);
        Assert.Contains("The service cannot start", output);
        Assert.Contains(named, output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task A_missing_model_file_stops_the_start_with_one_clear_line()
    {
        var (exitCode, output) = await RunServiceAsync($"--Model:Path={Path.Combine(fixture.Model.Folder, "no-such-model.onnx")}");

        Assert.Equal(1, exitCode);
        Assert.Contains("no-such-model.onnx", output);
        Assert.DoesNotContain("   at ", output);
    }

    /// <summary>Runs the built service (copied beside the tests) on a free loopback port; killed after a minute at most.</summary>
    private static async Task<(int ExitCode, string Output)> RunServiceAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in (string[])["ResNetService.Api.dll", "--urls", "http://127.0.0.1:0", "--contentRoot", AppContext.BaseDirectory, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The service kept running although its configuration is invalid.");
        }

        return (process.ExitCode, await output + await error);
    }
}
