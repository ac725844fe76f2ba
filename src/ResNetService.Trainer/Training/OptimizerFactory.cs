using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Training;

/// <summary>Builds the optimizer a run asks for.</summary>
public static class OptimizerFactory
{
    public const string Adam = "adam";
    public const string AdamW = "adamw";
    public const string Sgd = "sgd";
    public static readonly IReadOnlyList<string> All = [Adam, AdamW, Sgd];

    public static OptimizerHelper Create(IEnumerable<Parameter> parameters, TrainingOptions options) => options.Optimizer switch
    {
        Adam => optim.Adam(parameters, options.LearningRate, weight_decay: options.WeightDecay),
        AdamW => optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay),
        Sgd => optim.SGD(parameters, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay, nesterov: options.Nesterov),
        _ => throw new ArgumentException($"Unknown optimizer '{options.Optimizer}'; use {string.Join(", ", All)}."),
    };

    /// <summary>Sets the learning rate of every parameter group (the schedule runs per step).</summary>
    public static void SetLearningRate(optim.Optimizer optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = rate;
        }
    }
}
