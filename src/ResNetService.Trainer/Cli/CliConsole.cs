using Spectre.Console;

namespace ResNetService.Trainer.Cli;

/// <summary>A Spectre.Console writing to the command's output, wide enough for tables when output is redirected.</summary>
public static class CliConsole
{
    private const int RedirectedWidth = 120;

    public static IAnsiConsole Create(TextWriter writer)
    {
        var toTerminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = toTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = toTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!toTerminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
