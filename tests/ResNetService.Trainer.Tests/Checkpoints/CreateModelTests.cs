using ResNetService.Topology;
using ResNetService.Trainer.Checkpoints;

namespace ResNetService.Trainer.Tests.Checkpoints;

/// <summary>How a run's options (architecture, variant, zero-init) become the network it trains.</summary>
public sealed class CreateModelTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Zero_init_residual_reaches_every_blocks_last_norm(bool zeroInit)
    {
        using var model = Checkpoint.CreateModel("resnet18", "v1.5", classes: 3, zeroInit);
        var state = model.state_dict();

        foreach (var block in model.Network.Blocks)
        {
            // A basic block's last batch norm is bn2.
            Assert.Equal(zeroInit ? 0f : 1f, state[$"{block.Name}.bn2.weight"].abs().max().item<float>());
        }
    }

    [Theory]
    [InlineData("v1.5", ResNetVariant.V1_5)]
    [InlineData("v1", ResNetVariant.V1)]
    public void Variant_names_map_to_variants(string variant, ResNetVariant expected)
    {
        using var model = Checkpoint.CreateModel("resnet50", variant, classes: 2);

        Assert.Equal(expected, model.Config.Variant);
    }

    [Fact]
    public void An_unknown_variant_is_a_user_error()
    {
        var error = Assert.Throws<ArgumentException>(() => Checkpoint.CreateModel("resnet50", "v2", classes: 2));

        Assert.Contains("'v2'", error.Message);
    }
}
