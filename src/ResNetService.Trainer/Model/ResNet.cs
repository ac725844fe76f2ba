using ResNetService.Onnx.ResNet;
using ResNetService.Trainer.Native;
using TorchSharp.Modules;
using static ResNetService.Trainer.Model.Layers;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ResNetService.Trainer.Model;

/// <summary>
/// A ResNet built from a <see cref="ResNetConfig"/>, in the shape of torchvision's resnet.py: stem (7x7/2 conv,
/// batch norm, ReLU, 3x3/2 max pool), four stages of residual blocks, global average pool, fully connected.
/// Parameter and buffer names equal torchvision's state_dict ("conv1.weight", "layer1.0.downsample.0.weight",
/// "fc.bias", ...), so <c>state_dict()</c> maps one to one onto the ONNX export and torchvision checkpoints.
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear fc;

    /// <param name="zeroInitResidual">
    /// Start each block's last batch norm at weight 0, so every block begins as the identity
    /// (torchvision's zero_init_residual; helps large-batch training).
    /// </param>
    public ResNet(ResNetConfig config, bool zeroInitResidual = false) : base(config.Architecture.Name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(config.NumClasses, 1);
        TorchRuntime.EnsureLoaded();
        Config = config;
        var architecture = config.Architecture;

        conv1 = Conv2d(config.InputChannels, ResNetArchitecture.StemChannels, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm(ResNetArchitecture.StemChannels);
        relu = ReLU(inplace: true);
        maxpool = MaxPool2d(kernel_size: 3, stride: 2, padding: 1);

        var stages = architecture.Blocks()
            .GroupBy(plan => plan.Stage)
            .Select(stage => Sequential(stage.Select(plan => CreateBlock(architecture.Block, plan, config.StridePlacement)).ToArray()))
            .ToArray();
        (layer1, layer2, layer3, layer4) = (stages[0], stages[1], stages[2], stages[3]);

        avgpool = AdaptiveAvgPool2d(1);
        fc = Linear(architecture.FeatureChannels, config.NumClasses);
        RegisterComponents();

        InitializeWeights(zeroInitResidual);
    }

    public ResNetConfig Config { get; }

    /// <summary>Every residual block in order, paired with the plan it was built from.</summary>
    public IEnumerable<(BlockPlan Plan, IResidualBlock Block)> Blocks() =>
        Config.Architecture.Blocks().Zip(new[] { layer1, layer2, layer3, layer4 }.SelectMany(stage => stage.children().Cast<IResidualBlock>()));

    /// <summary>Number of elements in all parameters (buffers such as running statistics excluded).</summary>
    public long ParameterCount => parameters().Sum(parameter => parameter.numel());

    public override Tensor forward(Tensor input)
    {
        var x = maxpool.call(relu.call(bn1.call(conv1.call(input))));
        x = layer4.call(layer3.call(layer2.call(layer1.call(x))));
        return fc.call(flatten(avgpool.call(x), 1));
    }

    private static Module<Tensor, Tensor> CreateBlock(BlockKind kind, BlockPlan plan, StridePlacement placement)
    {
        Module<Tensor, Tensor>? downsample = plan.Projection
            ? Sequential(Conv1x1(plan.InChannels, plan.OutChannels, plan.Stride), BatchNorm(plan.OutChannels))
            : null;
        return kind == BlockKind.Basic
            ? new BasicBlock(plan.InChannels, plan.Width, plan.Stride, downsample)
            : new Bottleneck(plan.InChannels, plan.Width, plan.Stride, placement, downsample);
    }

    /// <summary>torchvision's initialisation: Kaiming normal (fan_out, ReLU) convolutions, batch norm 1 and 0.</summary>
    private void InitializeWeights(bool zeroInitResidual)
    {
        using var noGrad = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    init.kaiming_normal_(conv.weight, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
                    break;
                case SubsamplingConv1x1 conv:
                    init.kaiming_normal_(conv.Weight, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
                    break;
                case BatchNorm2d norm:
                    init.ones_(norm.weight);
                    init.zeros_(norm.bias);
                    break;
            }
        }

        if (zeroInitResidual)
        {
            foreach (var (_, block) in Blocks())
            {
                init.zeros_(block.LastNorm.weight);
            }
        }
    }
}
