using ResNetService.Trainer.Cli;

namespace ResNetService.Trainer.Tests.Cli;

/// <summary>Runs the trainer's real command tree and error policy, capturing what it prints.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string[] ErrorLines)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await TrainerCli.RunAsync(Program.CreateRootCommand(), args, output, error);
        var errorLines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (exitCode, output.ToString(), errorLines);
    }
}
