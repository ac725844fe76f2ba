using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Docs;

/// <summary>
/// Every request the README and the guides show with its answer is run as written (bash, curl) against the service on
/// the shipped model, on a real loopback port in place of the documented one, and must answer what the page shows.
/// </summary>
public sealed class DocumentedRequestTests
{
    private static readonly string ModelsFolder = Path.Combine(AppContext.BaseDirectory, "models");

    [Fact]
    public async Task Every_documented_request_answers_as_shown()
    {
        var exchanges = DocumentedExchange.In(RepositoryRoot());
        // The front page's tour is among them, so the test cannot pass on documentation it failed to find.
        Assert.Contains(exchanges, exchange => exchange.File == "README.md");
        Assert.True(exchanges.Count >= 8, $"Only {exchanges.Count} documented requests with answers were found.");

        await using var service = new ServiceFactory(Path.Combine(ModelsFolder, "model.onnx"));
        service.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        service.StartServer();
        var address = service.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        await service.WaitUntilReadyAsync();

        // The commands name models/samples/... from the repository's root, and some write files (heatmap.png, zeros.json).
        var workingFolder = Directory.CreateTempSubdirectory("resnet-documented-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(workingFolder, "models"), ModelsFolder);
            var failures = new List<string>();
            foreach (var exchange in exchanges)
            {
                var command = exchange.Command.Replace(DocumentedExchange.DocumentedAddress, address, StringComparison.Ordinal);
                var (exitCode, output, error) = await RunBashAsync(command, workingFolder);
                var differences = exitCode == 0 ? ShownAnswer.Differences(exchange.ShownAnswer, output) : [$"bash exited with {exitCode}: {error}"];
                failures.AddRange(differences.Select(difference => $"{exchange}: {difference}"));
            }

            Assert.True(failures.Count == 0, "Documented answers that the service does not give:\n" + string.Join('\n', failures));
        }
        finally
        {
            Directory.Delete(workingFolder, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunBashAsync(string command, string workingFolder)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { "-e", "-o", "pipefail", "-c", command })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The documented command ran past 2 minutes: {command}");
        }

        return (process.ExitCode, await output, await error);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ResNetService.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No ResNetService.sln above {AppContext.BaseDirectory}.");
    }
}
