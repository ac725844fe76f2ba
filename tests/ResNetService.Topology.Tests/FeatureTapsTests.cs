namespace ResNetService.Topology.Tests;

/// <summary>Where C1..C5 and the embedding are read, and their shapes, from the description alone.</summary>
public sealed class FeatureTapsTests
{
    [Theory]
    [InlineData(ResNetVariant.V1_5)]
    [InlineData(ResNetVariant.V1)]
    public void Resnet50_maps_halve_from_c1_at_half_the_input_to_c5_at_a_32nd(ResNetVariant variant)
    {
        var network = ResNetTopology.Describe(new ResNetConfig(ResNetArchitecture.ResNet50, 10, variant));

        var shapes = FeatureTaps.Shapes(network, 64);

        Assert.Equal(
            [new(1, 64, 32), new(2, 256, 16), new(3, 512, 8), new(4, 1024, 4), new FeatureMapShape(5, 2048, 2)],
            shapes);
        Assert.Equal(["c1", "c2", "c3", "c4", "c5"], shapes.Select(shape => shape.Name));
    }

    [Theory]
    [InlineData(224, new[] { 112, 56, 28, 14, 7 })]
    [InlineData(33, new[] { 17, 9, 5, 3, 2 })]   // odd sides round up, as padded strided layers do
    [InlineData(32, new[] { 16, 8, 4, 2, 1 })]
    public void Resnet18_sides_follow_each_strided_layer(int imageSize, int[] sides)
    {
        var network = ResNetTopology.Describe(new ResNetConfig(ResNetArchitecture.ResNet18, 10));

        var shapes = FeatureTaps.Shapes(network, imageSize);

        Assert.Equal(sides, shapes.Select(shape => shape.Side));
        Assert.Equal([64, 64, 128, 256, 512], shapes.Select(shape => shape.Channels));
    }

    [Fact]
    public void C1_is_the_stems_relu_and_the_embedding_the_input_of_fc()
    {
        var network = ResNetTopology.Describe(new ResNetConfig(ResNetArchitecture.ResNet50, 10));

        Assert.Equal("relu", network.Stem[FeatureTaps.StemTap(network)].Name);
        Assert.IsType<MaxPool>(network.Stem[FeatureTaps.StemTap(network) + 1]);
        Assert.Equal("fc", network.Head[FeatureTaps.HeadTap(network)].Name);
    }

    [Fact]
    public void Padded_layers_keep_one_pixel_of_the_smallest_image_and_no_image_is_refused()
    {
        var network = ResNetTopology.Describe(new ResNetConfig(ResNetArchitecture.ResNet18, 10));

        Assert.All(FeatureTaps.Shapes(network, 1), shape => Assert.Equal(1, shape.Side));
        Assert.Throws<ArgumentOutOfRangeException>(() => FeatureTaps.Shapes(network, 0));
    }
}
