using System.CommandLine;
using ResNetService.Trainer.Cli;
using ResNetService.Trainer.Commands;

namespace ResNetService.Trainer;

public static class Program
{
    /// <summary>Every command of the trainer; one line each.</summary>
    public static RootCommand CreateRootCommand() => new("Builds, trains, evaluates and exports ResNets (TorchSharp → ONNX).")
    {
        SummaryCommand.Create(),
        TrainCommand.Create(),
        EvaluateCommand.Create(),
        ExportCommand.Create(),
        PredictCommand.Create(),
        FeaturesCommand.Create(),
        QuantizeCommand.Create(),
    };

    public static Task<int> Main(string[] args) => TrainerCli.RunAsync(CreateRootCommand(), args, Console.Out, Console.Error);
}
