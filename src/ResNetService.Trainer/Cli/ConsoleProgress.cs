using System.Globalization;
using ResNetService.Trainer.Training;
using Spectre.Console;

namespace ResNetService.Trainer.Cli;

/// <summary>
/// Progress for a terminal: a live bar per epoch and one for the run (loss, accuracy, images/s, ETA), and a line
/// per finished epoch. Use <see cref="Run"/>; when output is not a terminal (a log file, a background run) it prints
/// a plain line at every tenth of an epoch instead of the bars.
/// </summary>
public sealed class ConsoleProgress : ITrainingProgress
{
    private readonly IAnsiConsole _console;
    private readonly ProgressContext? _context;
    private ProgressTask? _runTask;
    private ProgressTask? _epochTask;
    private string _epochLabel = "";
    private int _epochSteps;

    private ConsoleProgress(IAnsiConsole console, ProgressContext? context)
    {
        _console = console;
        _context = context;
    }

    /// <summary>Runs <paramref name="train"/> with live bars on an interactive console, plain lines otherwise.</summary>
    public static T Run<T>(IAnsiConsole console, Func<ITrainingProgress, T> train)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return train(new ConsoleProgress(console, null));
        }

        return console.Progress()
            .AutoClear(false)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => train(new ConsoleProgress(console, context)));
    }

    public void Message(string text) => _console.WriteLine(text);

    public void EpochStarted(int epoch, int epochs, int steps)
    {
        _epochLabel = $"epoch {epoch}/{epochs}";
        _epochSteps = steps;
        if (_context is null)
        {
            return;
        }

        _runTask ??= _context.AddTask("run", maxValue: (double)steps * (epochs - epoch + 1));
        _epochTask = _context.AddTask(_epochLabel, maxValue: steps);
    }

    public void StepCompleted(int step, double loss, double accuracy, double imagesPerSecond)
    {
        string status = string.Create(CultureInfo.InvariantCulture,
            $"{_epochLabel}  loss {loss:F4}  acc {100 * accuracy:F2}%  {imagesPerSecond:F0} img/s");
        if (_context is null)
        {
            if (IsTenth(step, _epochSteps) && step < _epochSteps)
            {
                _console.WriteLine($"{status}  (step {step}/{_epochSteps})");
            }

            return;
        }

        _runTask!.Increment(1);
        _epochTask!.Value = step;
        _epochTask.Description = status;
    }

    /// <summary>True at the steps that close each tenth of an epoch.</summary>
    private static bool IsTenth(int step, int steps) => steps < 10 || step * 10 / steps != (step - 1) * 10 / steps;

    public void EpochCompleted(EpochMetrics m, bool best)
    {
        _epochTask?.StopTask();
        _console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{_epochLabel}: train loss {m.TrainLoss:F4} acc {100 * m.TrainAccuracy:F2}% | {m.Split} loss {m.SelectionLoss:F4} acc {100 * m.SelectionAccuracy:F2}%" +
            $" | lr {m.LearningRate:G3} | {m.Seconds:F1} s, {m.ImagesPerSecond:F0} img/s{(best ? " | best" : "")}"));
    }
}
