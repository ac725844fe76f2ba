using ResNetService.Topology;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ResNetService.Trainer.Model;

/// <summary>The TorchSharp module for each kind of layer in a <see cref="Network"/> description.</summary>
public static class LayerModules
{
    public static Module<Tensor, Tensor> Create(Layer layer) => layer switch
    {
        // A strided 1x1 convolution is written as subsampling + 1x1 (same weight, same result; see the class).
        Conv { Kernel: 1, Stride: > 1, Padding: 0 } conv => new SubsamplingConv1x1(conv.InChannels, conv.OutChannels, conv.Stride, conv.Bias),
        Conv conv => Conv2d(conv.InChannels, conv.OutChannels, kernel_size: conv.Kernel, stride: conv.Stride, padding: conv.Padding, bias: conv.Bias),
        BatchNorm norm => BatchNorm2d(norm.Channels, eps: norm.Epsilon, momentum: norm.Momentum),
        Relu => ReLU(inplace: true),
        MaxPool pool => MaxPool2d(kernel_size: pool.Kernel, stride: pool.Stride, padding: pool.Padding),
        AveragePool pool => AvgPool2d(kernel_size: pool.Kernel, stride: pool.Stride),
        ZeroPad pad => ZeroPad2d(pad.Padding),
        GlobalAveragePool => AdaptiveAvgPool2d(1),
        Topology.Flatten => nn.Flatten(),
        Topology.Linear linear => nn.Linear(linear.InFeatures, linear.OutFeatures),
        _ => throw new NotSupportedException($"No TorchSharp module for layer '{layer.Name}' ({layer.GetType().Name})."),
    };

    /// <summary>Registers each layer's module under the layer's name (torchvision's names make the state_dict's).</summary>
    public static IReadOnlyList<Module<Tensor, Tensor>> Register(Module owner, IEnumerable<Layer> layers)
    {
        var modules = new List<Module<Tensor, Tensor>>();
        foreach (var layer in layers)
        {
            var module = Create(layer);
            owner.register_module(layer.Name, module);
            modules.Add(module);
        }

        return modules;
    }

    public static Tensor Forward(IEnumerable<Module<Tensor, Tensor>> modules, Tensor input) =>
        modules.Aggregate(input, (x, module) => module.call(x));
}
