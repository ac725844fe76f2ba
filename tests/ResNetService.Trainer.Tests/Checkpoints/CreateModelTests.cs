using ResNetService.Onnx.ResNet;
using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Training;

namespace ResNetService.Trainer.Tests.Checkpoints;

/// <summary>How a run's options (architecture, variant, zero-init) become the network it trains.</summary>
public sealed class CreateModelTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Zero_init_residual_reaches_every_blocks_last_norm(bool zeroInit)
    {
        using var model = Checkpoint.CreateModel("resnet18", Variants.V15, classes: 3, zeroInit);
        var state = model.state_dict();

        foreach (var plan in ResNetArchitecture.ResNet18.Blocks())
        {
            // A basic block's last batch norm is bn2.
            Assert.Equal(zeroInit ? 0f : 1f, state[$"{plan.Prefix}.bn2.weight"].abs().max().item<float>());
        }
    }

    [Theory]
    [InlineData(Variants.V15, StridePlacement.On3x3)]
    [InlineData(Variants.V1, StridePlacement.OnFirst1x1)]
    public void Variant_names_map_to_stride_placements(string variant, StridePlacement expected)
    {
        using var model = Checkpoint.CreateModel("resnet50", variant, classes: 2);

        Assert.Equal(expected, model.Config.StridePlacement);
    }

    [Fact]
    public void An_unknown_variant_is_a_user_error()
    {
        var error = Assert.Throws<ArgumentException>(() => Variants.Placement("v2"));

        Assert.Contains("'v2'", error.Message);
    }
}
