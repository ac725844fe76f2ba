using ResNetService.Trainer.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Training;

/// <summary>
/// What a fine-tuning run trains: the network's top-level modules in order (stem layers, layer1..layer4, head), of
/// which those up to <c>--freeze</c> are frozen. Frozen parameters leave the optimizer, and frozen batch norms stay in
/// inference mode (their running statistics are pretrained too), although each epoch switches the network to training.
/// The classifier is the head; every other trainable parameter is the backbone, with its own learning rate scale.
/// </summary>
public sealed class FineTuning
{
    /// <summary>The name <c>--freeze</c> takes for the layers before the first stage.</summary>
    public const string Stem = "stem";

    private readonly List<nn.Module> _frozen = [];

    private FineTuning(ResNet model, string? freezeUpTo)
    {
        var classifier = model.Network.Head.OfType<Topology.Linear>().Single().Name;
        var children = model.named_children().ToList();
        var stages = model.Network.Stages().Select(stage => stage.Name).ToList();
        var frozenCount = freezeUpTo switch
        {
            null => 0,
            Stem => children.FindIndex(child => child.name == stages[0]),
            _ when stages.Contains(freezeUpTo) => children.FindIndex(child => child.name == freezeUpTo) + 1,
            _ => throw new ArgumentException($"--freeze takes {Stem} or a stage ({string.Join(", ", stages)}); got '{freezeUpTo}'."),
        };

        foreach (var (name, module) in children)
        {
            var frozen = _frozen.Count < frozenCount;
            foreach (var parameter in module.parameters())
            {
                parameter.requires_grad = !frozen;
                (frozen ? FrozenParameters : name == classifier ? Head : Backbone).Add(parameter);
            }

            if (frozen)
            {
                _frozen.Add(module);
            }
        }
    }

    public List<Parameter> Backbone { get; } = [];

    public List<Parameter> Head { get; } = [];

    public List<Parameter> FrozenParameters { get; } = [];

    /// <summary>Freezes the network's modules up to and including <paramref name="freezeUpTo"/> (null: none).</summary>
    public static FineTuning Apply(ResNet model, string? freezeUpTo) => new(model, freezeUpTo);

    /// <summary>Training mode for the network except its frozen modules, whose batch norms keep their statistics.</summary>
    public void Train(ResNet model)
    {
        model.train();
        foreach (var module in _frozen)
        {
            module.eval();
        }
    }
}
