using System.CommandLine;
using ResNetService.Inference;
using ResNetService.Trainer.Data;

namespace ResNetService.Trainer.Cli;

/// <summary>
/// Runs the command line with one error policy: a bad option, a bad value or a failure the user can fix prints
/// exactly one line, <c>error: ...</c>, on stderr and exits with 1. No stack trace reaches the user.
/// </summary>
public static class TrainerCli
{
    public const int Failure = 1;

    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            var parseResult = root.Parse(args);
            if (parseResult.Errors.Count > 0)
            {
                return Fail(error, parseResult.Errors[0].Message);
            }

            var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
            return await parseResult.InvokeAsync(configuration);
        }
        catch (OperationCanceledException)
        {
            return Fail(error, "cancelled.");
        }
        catch (Exception exception) when (IsUserError(exception))
        {
            return Fail(error, exception.Message);
        }
        catch (Exception exception)
        {
            // Still one line: the type tells a maintainer where to look without burying the user in frames.
            return Fail(error, $"{exception.Message} ({exception.GetType().Name})");
        }
    }

    /// <summary>Failures caused by input rather than by a bug: the CLI's own, the domain's, and the BCL's for files and arguments.</summary>
    private static bool IsUserError(Exception exception) => exception is
        CliException or DataSetException or ModelLoadException or ArgumentException or FileNotFoundException or DirectoryNotFoundException or
        UnauthorizedAccessException or InvalidDataException or IOException;

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"error: {message.ReplaceLineEndings(" ").Trim()}");
        return Failure;
    }
}
