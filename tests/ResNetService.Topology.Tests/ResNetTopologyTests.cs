namespace ResNetService.Topology.Tests;

/// <summary>The description itself: the layers resnet.py builds, in its order, with its constants.</summary>
public sealed class ResNetTopologyTests
{
    [Fact]
    public void Stem_is_a_strided_7x7_convolution_batch_norm_relu_and_3x3_max_pool()
    {
        var network = ResNetTopology.Describe(new ResNetConfig(ResNetArchitecture.ResNet50, 10, InputChannels: 1));

        Assert.Equal(
            [
                new Conv("conv1", 1, 64, Kernel: 7, Stride: 2, Padding: 3, Bias: false),
                new BatchNorm("bn1", 64, Epsilon: 1e-5, Momentum: 0.1),
                new Relu("relu"),
                new MaxPool("maxpool", Kernel: 3, Stride: 2, Padding: 1),
            ],
            network.Stem);
        Assert.Equal([new GlobalAveragePool("avgpool"), new Flatten("flatten"), new Linear("fc", 2048, 10)], network.Head);
    }

    [Theory]
    [InlineData(ResNetVariant.V1_5, 1, 2)]
    [InlineData(ResNetVariant.V1, 2, 1)]
    public void Variant_moves_a_bottlenecks_stride_between_the_first_1x1_and_the_3x3(ResNetVariant variant, int strideOn1x1, int strideOn3x3)
    {
        var block = ResNetTopology.Describe(new ResNetConfig(ResNetArchitecture.ResNet50, 10, variant)).Blocks.Single(b => b.Name == "layer2.0");

        var convolutions = block.MainPath.OfType<Conv>().ToList();
        Assert.Equal(["conv1", "conv2", "conv3"], convolutions.Select(conv => conv.Name));
        Assert.Equal([strideOn1x1, strideOn3x3, 1], convolutions.Select(conv => conv.Stride));
        Assert.Equal([0, 1, 0], convolutions.Select(conv => conv.Padding));
        Assert.Equal([256, 128, 128], convolutions.Select(conv => conv.InChannels));
        Assert.Equal([128, 128, 512], convolutions.Select(conv => conv.OutChannels));
        Assert.Equal(new Conv("0", 256, 512, Kernel: 1, Stride: 2, Padding: 0, Bias: false), block.Downsample![0]);
        Assert.Equal("bn3", block.LastNorm.Name);
    }

    [Fact]
    public void Basic_block_is_two_3x3_convolutions_each_followed_by_batch_norm()
    {
        var block = ResNetTopology.Describe(new ResNetConfig(ResNetArchitecture.ResNet18, 10)).Blocks.Single(b => b.Name == "layer3.0");

        Assert.Equal(["conv1", "bn1", "relu1", "conv2", "bn2"], block.MainPath.Select(layer => layer.Name));
        Assert.Equal([2, 1], block.MainPath.OfType<Conv>().Select(conv => conv.Stride));
        Assert.Equal("BasicBlock", block.ClassName);
        Assert.Equal("relu", block.Activation.Name);
    }

    [Theory]
    [InlineData("resnet18", 2, 2, 2, 2)]
    [InlineData("resnet101", 3, 4, 23, 3)]
    public void Stages_are_named_layer1_to_layer4_with_the_architectures_block_counts(string name, int s1, int s2, int s3, int s4)
    {
        var stages = ResNetTopology.Describe(new ResNetConfig(ResNetArchitecture.Parse(name), 10)).Stages().ToList();

        Assert.Equal(["layer1", "layer2", "layer3", "layer4"], stages.Select(stage => stage.Name));
        Assert.Equal([s1, s2, s3, s4], stages.Select(stage => stage.Blocks.Count));
    }

    [Theory]
    [InlineData("v1.5", ResNetVariant.V1_5)]
    [InlineData("v1", ResNetVariant.V1)]
    [InlineData(" V1 ", ResNetVariant.V1)]
    public void Variant_names_parse_and_print(string name, ResNetVariant expected)
    {
        Assert.Equal(expected, ResNetVariants.Parse(name));
        Assert.Equal(name.Trim().ToLowerInvariant(), expected.Name());
    }

    [Fact]
    public void An_unknown_variant_names_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => ResNetVariants.Parse("v2"));

        Assert.Contains("'v2'", error.Message);
        Assert.Contains("v1.5 or v1", error.Message);
        Assert.Equal("v1.5", ResNetVariants.Default.Name());
    }
}
