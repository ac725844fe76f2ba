using ResNetService.Topology;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ResNetService.Trainer.Model;

/// <summary>
/// A residual block built from its description (basic or bottleneck alike): the main path's layers in order, the
/// shortcut (the "downsample" projection, or the identity) added to its output, then ReLU.
/// </summary>
public sealed class ResidualBlockModule : Module<Tensor, Tensor>
{
    private readonly IReadOnlyList<Module<Tensor, Tensor>> _mainPath;
    private readonly Sequential? _downsample;
    private readonly Module<Tensor, Tensor> _activation;

    public ResidualBlockModule(ResidualBlock block) : base(block.ClassName)
    {
        Description = block;

        // Created before the main path, registered after it (as torchvision registers it): a seeded network draws
        // its random initial weights in the same order as this trainer always has.
        _downsample = block.Downsample is { } downsample
            ? Sequential([.. downsample.Select(layer => (layer.Name, LayerModules.Create(layer)))])
            : null;
        _mainPath = LayerModules.Register(this, block.MainPath);
        if (_downsample is not null)
        {
            register_module(ResidualBlock.DownsampleName, _downsample);
        }

        _activation = LayerModules.Create(block.Activation);
        register_module(block.Activation.Name, _activation);
    }

    public ResidualBlock Description { get; }

    /// <summary>The batch norm whose output the shortcut is added to.</summary>
    public BatchNorm2d LastNorm => (BatchNorm2d)named_children().Single(child => child.name == Description.LastNorm.Name).module;

    public override Tensor forward(Tensor input)
    {
        var output = LayerModules.Forward(_mainPath, input);
        var shortcut = _downsample is null ? input : _downsample.call(input);
        return _activation.call(output.add_(shortcut));
    }
}
