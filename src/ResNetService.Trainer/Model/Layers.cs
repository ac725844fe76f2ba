using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ResNetService.Trainer.Model;

/// <summary>The two convolutions every ResNet is made of, as in torchvision's resnet.py: no bias (batch norm follows).</summary>
public static class Layers
{
    /// <summary>3x3 convolution with padding 1, so stride 1 keeps the spatial size.</summary>
    public static Conv2d Conv3x3(long inChannels, long outChannels, long stride = 1) =>
        Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1, bias: false);

    /// <summary>
    /// 1x1 convolution. With stride 2 it is written as "every second pixel, then a stride-1 1x1 convolution":
    /// the same weight and the same result as a strided 1x1 convolution (which is what the ONNX export writes),
    /// but it avoids a crash in oneDNN's backward of strided 1x1 convolutions on some CPUs.
    /// </summary>
    public static Module<Tensor, Tensor> Conv1x1(long inChannels, long outChannels, long stride = 1) =>
        stride == 1
            ? Conv2d(inChannels, outChannels, kernel_size: 1, bias: false)
            : new SubsamplingConv1x1(inChannels, outChannels, stride);

    /// <summary>Batch norm with torchvision's defaults (eps 1e-5, momentum 0.1).</summary>
    public static BatchNorm2d BatchNorm(long channels) => BatchNorm2d(channels);
}
