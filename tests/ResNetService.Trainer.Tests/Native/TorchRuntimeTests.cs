using ResNetService.Topology;
using ResNetService.Trainer.Model;
using ResNetService.Trainer.Native;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Tests.Native;

/// <summary>Switches libtorch's process-wide settings, so nothing else may run beside it.</summary>
[CollectionDefinition(nameof(TorchRuntimeCollection), DisableParallelization = true)]
public sealed class TorchRuntimeCollection;

[Collection(nameof(TorchRuntimeCollection))]
public sealed class TorchRuntimeTests
{
    [Theory]
    [InlineData(ResNetVariant.V1_5)]
    [InlineData(ResNetVariant.V1)]
    public void ResNet50_trains_a_step_at_32x32_with_oneDNN_on(ResNetVariant variant)
    {
        // On VMs without CPU cache topology, oneDNN's backward of a strided 1x1 convolution dies with SIGFPE;
        // the subsampling 1x1 keeps it out of that path, so this must finish with finite gradients.
        Assert.True(TorchRuntime.OneDnnEnabled);
        using var scope = NewDisposeScope();
        using var model = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet50, NumClasses: 10, variant));
        model.train();

        var loss = nn.functional.cross_entropy(model.call(randn(4, 3, 32, 32)), tensor(new long[] { 0, 1, 2, 3 }));
        loss.backward();

        var downsampleGradient = model.named_parameters().Single(entry => entry.name == "layer2.0.downsample.0.weight").parameter.grad;
        Assert.NotNull(downsampleGradient);
        Assert.True(isfinite(downsampleGradient).all().item<bool>());
        Assert.True(downsampleGradient.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void DisableOneDnn_switches_it_off()
    {
        try
        {
            TorchRuntime.DisableOneDnn();
            Assert.False(TorchRuntime.OneDnnEnabled);
        }
        finally
        {
            TorchRuntime.SetOneDnn(true);
        }

        Assert.True(TorchRuntime.OneDnnEnabled);
    }
}
