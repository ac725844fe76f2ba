using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Training;

/// <summary>
/// Builds the optimizer a run asks for over the trainable parameters. With a backbone rate scale below 1 it has two
/// groups: the backbone, whose rate is the schedule's times <see cref="TrainingOptions.BackboneLearningRateScale"/>
/// (lower for pretrained layers), and the head at the schedule's rate; otherwise one, as runs saved before the scale.
/// </summary>
public static class OptimizerFactory
{
    public const string Adam = "adam";
    public const string AdamW = "adamw";
    public const string Sgd = "sgd";
    public static readonly IReadOnlyList<string> All = [Adam, AdamW, Sgd];

    public static OptimizerHelper Create(FineTuning layers, TrainingOptions options)
    {
        List<Parameter>[] groups = options.BackboneLearningRateScale == 1 ? [[.. layers.Backbone, .. layers.Head]] : [layers.Backbone, layers.Head];
        return options.Optimizer switch
        {
            Adam => optim.Adam(groups.Select(g => new Adam.ParamGroup(g, lr: options.LearningRate, weight_decay: options.WeightDecay))),
            AdamW => optim.AdamW(groups.Select(g => new AdamW.ParamGroup(g, lr: options.LearningRate, weight_decay: options.WeightDecay))),
            Sgd => optim.SGD(groups.Select(g => new SGD.ParamGroup(g, lr: options.LearningRate, momentum: options.Momentum,
                weight_decay: options.WeightDecay, nesterov: options.Nesterov)), options.LearningRate),
            _ => throw new ArgumentException($"Unknown optimizer '{options.Optimizer}'; use {string.Join(", ", All)}."),
        };
    }

    /// <summary>Sets each group's rate for this step: the backbone's scaled, the head's as the schedule says.</summary>
    public static void SetLearningRate(optim.Optimizer optimizer, double rate, double backboneScale)
    {
        var groups = optimizer.ParamGroups.ToList();
        groups[0].LearningRate = groups.Count == 1 ? rate : rate * backboneScale;
        if (groups.Count == 2)
        {
            groups[1].LearningRate = rate;
        }
    }
}
