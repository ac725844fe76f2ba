using System.Diagnostics;

namespace ResNetService.Api.Tests.Docs;

/// <summary>
/// Every request the Markdown files show with its answer is run as written, with curl, against the service as the
/// README starts it, and must print the answer shown (<see cref="ShownAnswer"/>: timings aside, numbers within 1e-4).
/// </summary>
public sealed class DocumentedRequestTests(DocumentedService service) : IClassFixture<DocumentedService>
{
    public static TheoryData<string> Requests() =>
        new(DocumentedRequest.FindAll(DocumentedService.Root).Select(request => request.ToString()));

    [Fact]
    public void The_readme_shows_requests_with_their_answers()
    {
        Assert.Contains(DocumentedRequest.FindAll(DocumentedService.Root), request => request.File == "README.md");
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_documented_request_answers_what_the_document_shows(string place)
    {
        var request = DocumentedRequest.FindAll(DocumentedService.Root).Single(r => r.ToString() == place);

        var (exitCode, printed, errors) = await RunAsync(request.Script.Replace(DocumentedRequest.Address, service.Address, StringComparison.Ordinal));

        Assert.True(exitCode == 0, $"{place}: the commands exited with {exitCode}:\n{errors}");
        var mismatch = ShownAnswer.Mismatch(request.Answer, printed);
        Assert.True(mismatch is null, $"{place}: {mismatch}\nprinted:\n{printed}");
    }

    /// <summary>
    /// Runs the commands with bash in a scratch folder that sees the checkout's top-level entries (so models/samples/...
    /// resolves) and keeps what the commands write (zeros.json, answer.bin) out of the checkout.
    /// </summary>
    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string script)
    {
        var scratch = Directory.CreateTempSubdirectory("resnet-documented-");
        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(DocumentedService.Root))
            {
                File.CreateSymbolicLink(Path.Combine(scratch.FullName, Path.GetFileName(entry)), entry);
            }

            var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
            {
                WorkingDirectory = scratch.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output, await errors);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
