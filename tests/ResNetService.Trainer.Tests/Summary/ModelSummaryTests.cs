using ResNetService.Topology;
using ResNetService.Trainer.Summary;

namespace ResNetService.Trainer.Tests.Summary;

public sealed class ModelSummaryTests
{
    [Theory]
    [InlineData("resnet18", 10)]
    [InlineData("resnet50", 1000)]
    public void Totals_split_parameters_from_running_statistics(string name, int classes)
    {
        var config = new ResNetConfig(ResNetArchitecture.Parse(name), classes);

        var summary = ModelSummary.Create(config, 32);

        var specs = ResNetParameters.Enumerate(config);
        Assert.Equal(ResNetParameters.TrainableCount(config), summary.TrainableParameters);
        Assert.Equal(specs.Where(spec => !spec.IsTrainable).Sum(spec => spec.ElementCount), summary.NonTrainableParameters);
        Assert.Equal(specs.Sum(spec => spec.ElementCount), summary.TotalParameters);
    }

    [Fact]
    public void Rows_follow_the_forward_pass_with_output_shapes()
    {
        var summary = ModelSummary.Create(new ResNetConfig(ResNetArchitecture.ResNet50, 7), 64);

        Assert.Equal(new long[] { 3, 64, 64 }, Row(summary, "input").OutputShape);
        Assert.Equal(new long[] { 64, 32, 32 }, Row(summary, "conv1").OutputShape);
        Assert.Equal(new long[] { 64, 16, 16 }, Row(summary, "maxpool").OutputShape);
        Assert.Equal(new long[] { 256, 16, 16 }, Row(summary, "layer1.0").OutputShape);
        Assert.Equal(new long[] { 2048, 2, 2 }, Row(summary, "layer4.2").OutputShape);
        Assert.Equal(new long[] { 7 }, Row(summary, "fc").OutputShape);
        Assert.Equal("fc", summary.Rows[^1].Name);
        Assert.True(summary.Rows.ToList().FindIndex(row => row.Name == "layer2.0.conv3") < summary.Rows.ToList().FindIndex(row => row.Name == "layer2.0"));
    }

    [Fact]
    public void Each_block_has_a_row_that_names_its_shortcut()
    {
        var summary = ModelSummary.Create(new ResNetConfig(ResNetArchitecture.ResNet34, 10), 32);

        var blocks = summary.Rows.Where(row => row.Kind == SummaryRowKind.BlockOutput).ToList();

        Assert.Equal(ResNetTopology.Describe(summary.Config).Blocks.Select(block => block.Name), blocks.Select(row => row.Name));
        Assert.All(blocks, row => Assert.Contains(row.Block!.HasProjection ? "projection" : "identity", row.Type));
        Assert.Equal(3, blocks.Count(row => row.Block!.HasProjection));
    }

    [Theory]
    [InlineData(ResNetVariant.V1_5, 16)]
    [InlineData(ResNetVariant.V1, 8)]
    public void Variant_moves_the_stride_within_the_block(ResNetVariant variant, long sizeAfterConv1)
    {
        var summary = ModelSummary.Create(new ResNetConfig(ResNetArchitecture.ResNet50, 10, variant), 64);

        Assert.Equal(new long[] { 128, sizeAfterConv1, sizeAfterConv1 }, Row(summary, "layer2.0.conv1").OutputShape);
        Assert.Equal(new long[] { 128, 8, 8 }, Row(summary, "layer2.0.conv2").OutputShape);
    }

    [Fact]
    public void Image_size_below_the_minimum_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelSummary.Create(new ResNetConfig(ResNetArchitecture.ResNet18, 10), 31));
    }

    private static SummaryRow Row(ModelSummary summary, string name) => summary.Rows.First(row => row.Name == name);
}
