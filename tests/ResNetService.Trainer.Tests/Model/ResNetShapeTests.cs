using ResNetService.Topology;
using ResNetService.Trainer.Model;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Tests.Model;

public sealed class ResNetShapeTests
{
    [Theory]
    [InlineData("resnet18", 32, ResNetVariant.V1_5)]
    [InlineData("resnet18", 64, ResNetVariant.V1_5)]
    [InlineData("resnet18", 224, ResNetVariant.V1_5)]
    [InlineData("resnet34", 32, ResNetVariant.V1_5)]
    [InlineData("resnet50", 32, ResNetVariant.V1_5)]
    [InlineData("resnet50", 64, ResNetVariant.V1)]
    [InlineData("resnet50", 224, ResNetVariant.V1_5)]
    [InlineData("resnet50", 224, ResNetVariant.V1)]
    public void Logits_have_one_row_per_image_and_one_column_per_class(string name, int size, ResNetVariant variant)
    {
        using var scope = NewDisposeScope();
        using var model = new ResNet(new ResNetConfig(ResNetArchitecture.Parse(name), NumClasses: 5, variant));
        model.eval();

        var logits = model.call(randn(2, 3, size, size));

        Assert.Equal(new long[] { 2, 5 }, logits.shape);
    }

    [Fact]
    public void Grayscale_input_channels_are_supported()
    {
        using var scope = NewDisposeScope();
        using var model = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet18, NumClasses: 10, InputChannels: 1));

        Assert.Equal(new long[] { 3, 10 }, model.call(randn(3, 1, 32, 32)).shape);
    }

    [Theory]
    [InlineData(ResNetVariant.V1_5)]
    [InlineData(ResNetVariant.V1)]
    public void Identity_blocks_keep_the_shape(ResNetVariant variant)
    {
        using var scope = NewDisposeScope();
        var description = ResNetTopology.Describe(new ResNetConfig(ResNetArchitecture.ResNet50, 10, variant)).Blocks.Single(block => block.Name == "layer1.1");
        using var block = new ResidualBlockModule(description);
        var input = randn(2, 256, 9, 9);

        Assert.Equal(input.shape, block.call(input).shape);
        Assert.DoesNotContain(block.named_children(), child => child.name == ResidualBlock.DownsampleName);
    }

    [Theory]
    [InlineData(ResNetVariant.V1_5, 8)]
    [InlineData(ResNetVariant.V1_5, 7)]
    [InlineData(ResNetVariant.V1, 8)]
    [InlineData(ResNetVariant.V1, 7)]
    public void Projection_blocks_change_channels_and_halve_the_size(ResNetVariant variant, int size)
    {
        using var scope = NewDisposeScope();
        using var model = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet50, 10, variant));
        var block = Block(model, "layer2.0");

        var output = block.call(randn(2, 256, size, size));

        Assert.Equal(new long[] { 2, 512, (size + 1) / 2, (size + 1) / 2 }, output.shape);
    }

    [Theory]
    [InlineData(ResNetVariant.V1_5, 8)]
    [InlineData(ResNetVariant.V1, 4)]
    public void Stride_sits_where_the_placement_says(ResNetVariant variant, long sizeAfterFirst1x1)
    {
        using var scope = NewDisposeScope();
        using var model = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet50, 10, variant));
        var conv1 = Block(model, "layer2.0.conv1");

        Assert.Equal(new long[] { 1, 128, sizeAfterFirst1x1, sizeAfterFirst1x1 }, conv1.call(randn(1, 256, 8, 8)).shape);
    }

    [Fact]
    public void Basic_projection_block_changes_channels_and_stride()
    {
        using var scope = NewDisposeScope();
        using var model = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet18, 10));

        Assert.Equal(new long[] { 1, 256, 4, 4 }, Block(model, "layer3.0").call(randn(1, 128, 8, 8)).shape);
        Assert.Equal(new long[] { 1, 256, 4, 4 }, Block(model, "layer3.1").call(randn(1, 256, 4, 4)).shape);
        Assert.Equal(
            [false, false, true, false, true, false, true, false],
            model.Blocks().Select(block => block.Description.HasProjection));
    }

    private static nn.Module<Tensor, Tensor> Block(ResNet model, string name) =>
        (nn.Module<Tensor, Tensor>)model.named_modules().Single(entry => entry.name == name).module;
}
