using ResNetService.Onnx.ResNet;

namespace ResNetService.Onnx.Tests;

public class WeightValidationTests
{
    private static readonly ResNetConfig Config = new(ResNetArchitecture.ResNet18, NumClasses: 3);

    [Fact]
    public void A_missing_weight_is_named_with_its_expected_shape()
    {
        var weights = new Dictionary<string, NamedTensor>(RandomResNetWeights.Create(Config, 0));
        weights.Remove("layer2.0.downsample.0.weight");

        var error = Assert.Throws<ArgumentException>(() => Export(weights));

        Assert.Contains("'layer2.0.downsample.0.weight'", error.Message);
        Assert.Contains("[128, 64, 1, 1]", error.Message);
    }

    [Fact]
    public void A_wrongly_shaped_weight_is_named_with_both_shapes()
    {
        var weights = new Dictionary<string, NamedTensor>(RandomResNetWeights.Create(Config, 0))
        {
            ["fc.weight"] = new("fc.weight", [512, 3], new float[512 * 3]),
        };

        var error = Assert.Throws<ArgumentException>(() => Export(weights));

        Assert.Contains("'fc.weight'", error.Message);
        Assert.Contains("[512, 3]", error.Message);
        Assert.Contains("[3, 512]", error.Message);
    }

    [Fact]
    public void A_weight_whose_values_do_not_fill_its_shape_is_named()
    {
        var weights = new Dictionary<string, NamedTensor>(RandomResNetWeights.Create(Config, 0))
        {
            ["bn1.running_var"] = new("bn1.running_var", [64], new float[63]),
        };

        var error = Assert.Throws<ArgumentException>(() => Export(weights));

        Assert.Contains("'bn1.running_var'", error.Message);
        Assert.Contains("63", error.Message);
    }

    [Fact]
    public void Weights_of_another_architecture_are_rejected()
    {
        var weights = RandomResNetWeights.Create(new ResNetConfig(ResNetArchitecture.ResNet34, 3), 0);

        var error = Assert.Throws<ArgumentException>(() => Export(weights));

        Assert.Contains("'layer1.2.conv1.weight'", error.Message);
    }

    [Fact]
    public void Batch_counters_from_a_state_dict_are_ignored()
    {
        var weights = new Dictionary<string, NamedTensor>(RandomResNetWeights.Create(Config, 0))
        {
            ["bn1.num_batches_tracked"] = new("bn1.num_batches_tracked", [], [100f]),
        };

        Assert.NotNull(Export(weights));
    }

    [Fact]
    public void An_image_size_below_the_minimum_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomResNetModel.Create(Config, imageSize: 16));
    }

    private static Protos.ModelProto Export(IReadOnlyDictionary<string, NamedTensor> weights) =>
        ResNetOnnxExporter.Build(Config, weights, new Dictionary<string, string>(), "test");
}
