namespace ResNetService.Topology.Tests;

/// <summary>
/// The keras variant against the Keras models' published summaries: the SIGNS tutorial's ResNet-50 (64x64x3 input,
/// 6 classes) has 23,600,006 parameters, 53,120 of them non-trainable (batch norm's moving mean and variance).
/// </summary>
public sealed class KerasTopologyTests
{
    private static ResNetConfig Signs(ResNetHead head = ResNetHead.AveragePool2) =>
        new(ResNetArchitecture.ResNet50, NumClasses: 6, ResNetVariant.Keras, Head: head, ImageSize: 64);

    [Theory]
    [InlineData(ResNetHead.AveragePool2)]
    [InlineData(ResNetHead.GlobalAveragePool)]
    public void The_signs_network_has_the_parameter_counts_keras_prints(ResNetHead head)
    {
        var specs = ResNetParameters.Enumerate(Signs(head));

        Assert.Equal(23_600_006, specs.Sum(spec => spec.ElementCount));
        Assert.Equal(53_120, specs.Where(spec => !spec.IsTrainable).Sum(spec => spec.ElementCount));
        Assert.Equal(23_546_886, specs.Where(spec => spec.IsTrainable).Sum(spec => spec.ElementCount));
    }

    [Fact]
    public void Keras_applications_resnet50_at_1000_classes_has_the_same_counts()
    {
        // torchvision's 25,557,032 plus one bias per convolution output channel (26,560) plus the moving statistics (53,120).
        var specs = ResNetParameters.Enumerate(new ResNetConfig(ResNetArchitecture.ResNet50, 1000, ResNetVariant.Keras));

        Assert.Equal(25_636_712, specs.Sum(spec => spec.ElementCount));
        Assert.Equal(53_120, specs.Where(spec => !spec.IsTrainable).Sum(spec => spec.ElementCount));
        // model.trainable_weights and the moving statistics: 53 convolutions with bias, 53 batch norms, the dense layer.
        Assert.Equal(214, specs.Count(spec => spec.IsTrainable));
        Assert.Equal(106, specs.Count(spec => !spec.IsTrainable));
    }

    [Fact]
    public void Every_convolution_has_a_bias_under_its_torchvision_name()
    {
        var names = ResNetParameters.Enumerate(Signs()).Select(spec => spec.Name).ToHashSet();

        Assert.Contains("conv1.bias", names);
        Assert.Contains("layer1.0.conv1.bias", names);
        Assert.Contains("layer1.0.downsample.0.bias", names);
        Assert.Contains("layer4.2.conv3.bias", names);
        Assert.Contains("fc.bias", names);
        var network = ResNetTopology.Describe(Signs());
        Assert.All(network.NamedLayers().Select(named => named.Layer).OfType<Conv>(), conv => Assert.True(conv.Bias, conv.Name));
    }

    [Fact]
    public void Stem_is_zero_padding_a_valid_7x7_convolution_and_an_unpadded_max_pool()
    {
        var network = ResNetTopology.Describe(Signs());

        Assert.Equal(
            [
                new ZeroPad("pad", 3),
                new Conv("conv1", 3, 64, Kernel: 7, Stride: 2, Padding: 0, Bias: true),
                new BatchNorm("bn1", 64, Epsilon: 1e-3, Momentum: 0.01),
                new Relu("relu"),
                new MaxPool("maxpool", Kernel: 3, Stride: 2, Padding: 0),
            ],
            network.Stem);
        Assert.Equal([new AveragePool("avgpool", 2, 2), new Flatten("flatten"), new Linear("fc", 2048, 6)], network.Head);
        Assert.Equal(new Initialization(WeightInit.GlorotUniform, WeightInit.GlorotUniform), network.Initialization);
    }

    [Fact]
    public void A_projection_block_strides_on_its_first_1x1_and_pads_only_the_3x3()
    {
        var block = ResNetTopology.Describe(Signs()).Blocks.Single(b => b.Name == "layer3.0");

        var convolutions = block.MainPath.OfType<Conv>().ToList();
        Assert.Equal([2, 1, 1], convolutions.Select(conv => conv.Stride));
        Assert.Equal([0, 1, 0], convolutions.Select(conv => conv.Padding));
        Assert.Equal(new Conv("0", 512, 1024, Kernel: 1, Stride: 2, Padding: 0, Bias: true), block.Downsample![0]);
        Assert.All(block.MainPath.OfType<BatchNorm>(), norm => Assert.Equal(1e-3, norm.Epsilon));
    }

    [Fact]
    public void Feature_maps_shrink_as_keras_prints_them_at_64x64()
    {
        var network = ResNetTopology.Describe(Signs());

        Assert.Equal([70, 32, 32, 32, 15], network.Stem.Select((_, i) => SpatialSize.After(network.Stem.Take(i + 1), 64)));
        var stageSides = network.Stages().Select(stage =>
            SpatialSize.AfterBlocks(network.Stem, network.Blocks.TakeWhile(b => b.Plan.Stage <= int.Parse(stage.Name[5..])), 64));
        Assert.Equal([15, 8, 4, 2], stageSides);
    }

    [Theory]
    [InlineData(64, 2048)] // 2x2 feature map, pooled to 1x1: equal to global average pooling
    [InlineData(96, 2048)] // 3x3, pooled to 1x1 (the last row and column are dropped)
    [InlineData(128, 2048 * 2 * 2)] // 4x4, pooled to 2x2
    public void The_average_pool_head_flattens_channels_times_half_the_last_side_squared(int imageSize, int features)
    {
        var config = Signs() with { ImageSize = imageSize };

        Assert.Equal(features, ResNetTopology.Describe(config).Head.OfType<Linear>().Single().InFeatures);
    }

    [Fact]
    public void Impossible_keras_configs_are_rejected_with_the_reason()
    {
        Assert.Contains("no Keras original", Assert.Throws<ArgumentException>(() =>
            ResNetTopology.Describe(new ResNetConfig(ResNetArchitecture.ResNet18, 10, ResNetVariant.Keras))).Message);
        Assert.Contains("needs the image size", Assert.Throws<ArgumentException>(() =>
            ResNetTopology.Describe(Signs() with { ImageSize = null })).Message);
        Assert.Contains("at least 2x2", Assert.Throws<ArgumentException>(() =>
            ResNetTopology.Describe(Signs() with { ImageSize = 32 })).Message);
    }

    [Theory]
    [InlineData("keras", ResNetVariant.Keras)]
    [InlineData("Keras", ResNetVariant.Keras)]
    public void The_keras_variant_parses_and_prints(string name, ResNetVariant expected)
    {
        Assert.Equal(expected, ResNetVariants.Parse(name));
        Assert.Equal("keras", expected.Name());
        Assert.Contains("keras:", ResNetVariants.Help);
    }

    [Theory]
    [InlineData("gap", ResNetHead.GlobalAveragePool)]
    [InlineData("avgpool2", ResNetHead.AveragePool2)]
    public void Head_names_parse_and_print(string name, ResNetHead expected)
    {
        Assert.Equal(expected, ResNetHeads.Parse(name));
        Assert.Equal(name, expected.Name());
        Assert.Equal("gap", ResNetHeads.Default.Name());
        Assert.Throws<ArgumentException>(() => ResNetHeads.Parse("max"));
    }
}
