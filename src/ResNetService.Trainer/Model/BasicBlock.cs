using TorchSharp.Modules;
using static ResNetService.Trainer.Model.Layers;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ResNetService.Trainer.Model;

/// <summary>ResNet-18/34 block: two 3x3 convolutions; the shortcut is added before the last ReLU.</summary>
public sealed class BasicBlock : Module<Tensor, Tensor>, IResidualBlock
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Module<Tensor, Tensor>? downsample;

    /// <param name="downsample">The projection shortcut (1x1 conv + batch norm), or null for identity.</param>
    public BasicBlock(long inChannels, long width, long stride, Module<Tensor, Tensor>? downsample) : base(nameof(BasicBlock))
    {
        conv1 = Conv3x3(inChannels, width, stride);
        bn1 = BatchNorm(width);
        relu = ReLU(inplace: true);
        conv2 = Conv3x3(width, width);
        bn2 = BatchNorm(width);
        this.downsample = downsample;
        RegisterComponents();
    }

    public bool HasProjection => downsample is not null;

    public BatchNorm2d LastNorm => bn2;

    public override Tensor forward(Tensor input)
    {
        var output = relu.call(bn1.call(conv1.call(input)));
        output = bn2.call(conv2.call(output));
        var shortcut = downsample is null ? input : downsample.call(input);
        return relu.call(output.add_(shortcut));
    }
}
