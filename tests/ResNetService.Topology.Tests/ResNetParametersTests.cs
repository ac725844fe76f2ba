namespace ResNetService.Topology.Tests;

public class ResNetParametersTests
{
    [Theory]
    [InlineData("resnet18", 11_689_512)]
    [InlineData("resnet34", 21_797_672)]
    [InlineData("resnet50", 25_557_032)]
    [InlineData("resnet101", 44_549_160)]
    [InlineData("resnet152", 60_192_808)]
    public void Trainable_count_at_1000_classes_equals_torchvision(string name, long torchvisionCount)
    {
        var config = new ResNetConfig(ResNetArchitecture.Parse(name), NumClasses: 1000);

        Assert.Equal(torchvisionCount, ResNetParameters.TrainableCount(config));
    }

    [Theory]
    [InlineData("resnet18", 62, 40)]
    [InlineData("resnet50", 161, 106)]
    public void Tensor_counts_equal_torchvision(string name, int parameters, int runningStatistics)
    {
        // len(list(model.parameters())) and the running_mean/running_var buffers of torchvision's models.
        var specs = ResNetParameters.Enumerate(new ResNetConfig(ResNetArchitecture.Parse(name), 1000));

        Assert.Equal(parameters, specs.Count(spec => spec.Kind == ParameterKind.Trainable));
        Assert.Equal(runningStatistics, specs.Count(spec => spec.Kind == ParameterKind.RunningStatistic));
        Assert.Equal(specs.Count, specs.Select(spec => spec.Name).Distinct().Count());
    }

    [Fact]
    public void Order_and_shapes_follow_torchvision_state_dict()
    {
        var specs = ResNetParameters.Enumerate(new ResNetConfig(ResNetArchitecture.ResNet50, 10, InputChannels: 1));
        string[] expectedStart =
        [
            "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
            "layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer1.0.bn1.bias", "layer1.0.bn1.running_mean", "layer1.0.bn1.running_var",
            "layer1.0.conv2.weight", "layer1.0.bn2.weight", "layer1.0.bn2.bias", "layer1.0.bn2.running_mean", "layer1.0.bn2.running_var",
            "layer1.0.conv3.weight", "layer1.0.bn3.weight", "layer1.0.bn3.bias", "layer1.0.bn3.running_mean", "layer1.0.bn3.running_var",
            "layer1.0.downsample.0.weight", "layer1.0.downsample.1.weight", "layer1.0.downsample.1.bias",
            "layer1.0.downsample.1.running_mean", "layer1.0.downsample.1.running_var",
            "layer1.1.conv1.weight",
        ];

        Assert.Equal(expectedStart, specs.Take(expectedStart.Length).Select(spec => spec.Name));
        Assert.Equal(["layer4.2.bn3.running_var", "fc.weight", "fc.bias"], specs.TakeLast(3).Select(spec => spec.Name));
        Assert.Equal([64L, 1, 7, 7], specs[0].Shape);
        Assert.Equal([10L, 2048], specs.Single(spec => spec.Name == "fc.weight").Shape);
        Assert.Equal([1024L, 512, 1, 1], specs.Single(spec => spec.Name == "layer3.0.downsample.0.weight").Shape);
        Assert.Equal([256L, 256, 3, 3], specs.Single(spec => spec.Name == "layer3.5.conv2.weight").Shape);
        Assert.Equal(ParameterKind.RunningStatistic, specs.Single(spec => spec.Name == "bn1.running_mean").Kind);
    }

    [Fact]
    public void Basic_blocks_project_only_where_the_stage_downsamples()
    {
        var names = ResNetParameters.Enumerate(new ResNetConfig(ResNetArchitecture.ResNet18, 10)).Select(spec => spec.Name).ToList();

        Assert.DoesNotContain("layer1.0.downsample.0.weight", names);
        Assert.Contains("layer2.0.downsample.0.weight", names);
        Assert.DoesNotContain("layer2.1.downsample.0.weight", names);
        Assert.DoesNotContain(names, name => name.Contains("conv3", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(10, 0)]
    public void A_config_without_classes_or_channels_is_rejected(int classes, int channels)
    {
        Assert.Throws<ArgumentException>(() =>
            ResNetParameters.Enumerate(new ResNetConfig(ResNetArchitecture.ResNet18, classes, InputChannels: channels)));
    }
}
