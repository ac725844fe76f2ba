using ResNetService.Onnx.ResNet;
using TorchSharp.Modules;
using static ResNetService.Trainer.Model.Layers;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ResNetService.Trainer.Model;

/// <summary>
/// ResNet-50/101/152 block: 1x1 reduce to width, 3x3, 1x1 expand to 4 x width; the shortcut is added before the
/// last ReLU. The stride sits on the 3x3 (v1.5, torchvision) or on the first 1x1 (v1, the paper and Keras).
/// </summary>
public sealed class Bottleneck : Module<Tensor, Tensor>, IResidualBlock
{
    public const int Expansion = 4;

    private readonly Module<Tensor, Tensor> conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Module<Tensor, Tensor> conv3;
    private readonly BatchNorm2d bn3;
    private readonly ReLU relu;
    private readonly Module<Tensor, Tensor>? downsample;

    /// <param name="downsample">The projection shortcut (1x1 conv + batch norm), or null for identity.</param>
    public Bottleneck(long inChannels, long width, long stride, StridePlacement placement, Module<Tensor, Tensor>? downsample)
        : base(nameof(Bottleneck))
    {
        var strideOn3x3 = placement == StridePlacement.On3x3;
        conv1 = Conv1x1(inChannels, width, strideOn3x3 ? 1 : stride);
        bn1 = BatchNorm(width);
        conv2 = Conv3x3(width, width, strideOn3x3 ? stride : 1);
        bn2 = BatchNorm(width);
        conv3 = Conv1x1(width, width * Expansion);
        bn3 = BatchNorm(width * Expansion);
        relu = ReLU(inplace: true);
        this.downsample = downsample;
        RegisterComponents();
    }

    public bool HasProjection => downsample is not null;

    public BatchNorm2d LastNorm => bn3;

    public override Tensor forward(Tensor input)
    {
        var output = relu.call(bn1.call(conv1.call(input)));
        output = relu.call(bn2.call(conv2.call(output)));
        output = bn3.call(conv3.call(output));
        var shortcut = downsample is null ? input : downsample.call(input);
        return relu.call(output.add_(shortcut));
    }
}
