using ResNetService.Topology;
using ResNetService.Trainer.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Tests.Export;

/// <summary>Random-weight networks whose batch norms look trained: non-trivial affine terms and running statistics.</summary>
internal static class TrainedLikeModels
{
    public static ResNet Create(ResNetConfig config, int imageSize, int seed = 3)
    {
        var generator = new Generator((ulong)seed);
        var model = new ResNet(config);
        using (var noGrad = no_grad())
        {
            foreach (var norm in model.modules().OfType<BatchNorm2d>())
            {
                norm.weight!.copy_(rand(norm.weight.shape, generator: generator) + 0.5);
                norm.bias!.copy_(randn(norm.bias.shape, generator: generator) * 0.1);
            }
        }

        // A few training-mode passes on shifted, scaled data move the running mean and variance away from 0 and 1.
        model.train();
        using (var noGrad = no_grad())
        {
            for (var pass = 0; pass < 3; pass++)
            {
                using var scope = NewDisposeScope();
                model.call(randn([4, config.InputChannels, imageSize, imageSize], generator: generator) * 2 + 0.5);
            }
        }

        model.eval();
        return model;
    }
}
