using ResNetService.Topology;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ResNetService.Trainer.Model;

/// <summary>
/// A ResNet built by walking its <see cref="ResNetTopology"/> description, registered as torchvision's resnet.py
/// registers its modules: the stem layers, the stages layer1..layer4 of residual blocks, the head. Parameter and
/// buffer names therefore equal torchvision's state_dict ("conv1.weight", "layer1.0.downsample.0.weight",
/// "fc.bias", ...), so <c>state_dict()</c> maps one to one onto the ONNX export and torchvision checkpoints.
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>
{
    private readonly IReadOnlyList<Module<Tensor, Tensor>> _stem;
    private readonly IReadOnlyList<Sequential> _stages;
    private readonly IReadOnlyList<Module<Tensor, Tensor>> _head;

    /// <param name="zeroInitResidual">
    /// Start each block's last batch norm at weight 0, so every block begins as the identity
    /// (torchvision's zero_init_residual; helps large-batch training).
    /// </param>
    public ResNet(ResNetConfig config, bool zeroInitResidual = false) : base(config.Architecture.Name)
    {
        Config = config;
        Network = ResNetTopology.Describe(config);
        _stem = LayerModules.Register(this, Network.Stem);
        _stages = [.. Network.Stages().Select(stage =>
        {
            var blocks = Sequential([.. stage.Blocks.Select(block => new ResidualBlockModule(block))]);
            register_module(stage.Name, blocks);
            return blocks;
        })];
        _head = LayerModules.Register(this, Network.Head);
        InitializeWeights(zeroInitResidual);
    }

    public ResNetConfig Config { get; }

    /// <summary>The description this network was built from.</summary>
    public Network Network { get; }

    /// <summary>Every residual block in order.</summary>
    public IEnumerable<ResidualBlockModule> Blocks() => _stages.SelectMany(stage => stage.children().Cast<ResidualBlockModule>());

    /// <summary>Number of elements in all parameters (buffers such as running statistics excluded).</summary>
    public long ParameterCount => parameters().Sum(parameter => parameter.numel());

    public override Tensor forward(Tensor input)
    {
        var x = LayerModules.Forward(_stem, input);
        x = LayerModules.Forward(_stages, x);
        return LayerModules.Forward(_head, x);
    }

    /// <summary>
    /// The forward pass with its feature maps kept (<see cref="ResNetFeatures"/>): the same modules in the same order
    /// as <see cref="forward"/>, read where <see cref="FeatureTaps"/> says, so the logits are forward's own.
    /// </summary>
    public ResNetFeatures Features(Tensor input)
    {
        var stemTap = FeatureTaps.StemTap(Network);
        var c1 = LayerModules.Forward(_stem.Take(stemTap + 1), input);
        var x = LayerModules.Forward(_stem.Skip(stemTap + 1), c1);
        var stages = new List<Tensor>();
        foreach (var stage in _stages)
        {
            x = stage.call(x);
            stages.Add(x);
        }

        var headTap = FeatureTaps.HeadTap(Network);
        var embedding = LayerModules.Forward(_head.Take(headTap), x);
        var logits = LayerModules.Forward(_head.Skip(headTap), embedding);
        return new ResNetFeatures(c1, stages[0], stages[1], stages[2], stages[3], embedding, logits);
    }

    /// <summary>The description's initialisation; batch norms start at weight 1 and bias 0.</summary>
    private void InitializeWeights(bool zeroInitResidual)
    {
        using var noGrad = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    Initialize(conv.weight!, Network.Initialization.Convolutions);
                    break;
                case SubsamplingConv1x1 conv:
                    Initialize(conv.Weight, Network.Initialization.Convolutions);
                    break;
                case TorchSharp.Modules.Linear linear:
                    Initialize(linear.weight!, Network.Initialization.Linear);
                    break;
                case BatchNorm2d norm:
                    init.ones_(norm.weight);
                    init.zeros_(norm.bias);
                    break;
            }
        }

        if (zeroInitResidual)
        {
            foreach (var block in Blocks())
            {
                init.zeros_(block.LastNorm.weight);
            }
        }
    }

    private static void Initialize(Tensor weight, WeightInit scheme)
    {
        switch (scheme)
        {
            case WeightInit.KaimingNormalFanOut:
                init.kaiming_normal_(weight, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
                break;
            case WeightInit.FrameworkDefault:
                break; // TorchSharp's modules start with PyTorch's own defaults.
            default:
                throw new NotSupportedException($"Initialisation {scheme} is not implemented for TorchSharp.");
        }
    }
}
