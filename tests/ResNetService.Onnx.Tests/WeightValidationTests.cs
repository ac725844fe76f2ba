using ResNetService.Onnx.ResNet;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Onnx.Tests;

public class WeightValidationTests
{
    private static readonly ResNetConfig Config = new(ResNetArchitecture.ResNet18, NumClasses: 3);

    /// <summary>Made once: each test changes its own copy of the dictionary, never the shared arrays.</summary>
    private static readonly IReadOnlyDictionary<string, NamedTensor> Valid = RandomResNetWeights.Create(Config, 0);

    [Fact]
    public void Valid_weights_pass() => Assert.Null(Record.Exception(() => ResNetWeights.Validate(Config, Valid)));

    [Fact]
    public void A_missing_weight_is_named_with_its_expected_shape()
    {
        var weights = new Dictionary<string, NamedTensor>(Valid);
        weights.Remove("layer2.0.downsample.0.weight");

        var error = Assert.Throws<ArgumentException>(() => Export(weights));

        Assert.Contains("'layer2.0.downsample.0.weight'", error.Message);
        Assert.Contains("[128, 64, 1, 1]", error.Message);
    }

    [Fact]
    public void A_wrongly_shaped_weight_is_named_with_both_shapes()
    {
        var weights = new Dictionary<string, NamedTensor>(Valid)
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
        var weights = new Dictionary<string, NamedTensor>(Valid)
        {
            ["bn1.running_var"] = new("bn1.running_var", [64], new float[63]),
        };

        var error = Assert.Throws<ArgumentException>(() => Export(weights));

        Assert.Contains("'bn1.running_var'", error.Message);
        Assert.Contains("63", error.Message);
    }

    [Fact]
    public void A_weight_of_a_deeper_network_is_rejected()
    {
        var weights = new Dictionary<string, NamedTensor>(Valid)
        {
            ["layer1.2.conv1.weight"] = new("layer1.2.conv1.weight", [64, 64, 3, 3], new float[64 * 64 * 9]),
        };

        var error = Assert.Throws<ArgumentException>(() => Export(weights));

        Assert.Contains("'layer1.2.conv1.weight'", error.Message);
    }

    [Fact]
    public void A_weight_holding_nan_is_named()
    {
        var weights = new Dictionary<string, NamedTensor>(Valid);
        var data = (float[])weights["layer4.1.bn2.bias"].Data.Clone();
        data[7] = float.NaN;
        weights["layer4.1.bn2.bias"] = weights["layer4.1.bn2.bias"] with { Data = data };

        var error = Assert.Throws<ArgumentException>(() => Export(weights));

        Assert.Contains("'layer4.1.bn2.bias'", error.Message);
        Assert.Contains("index 7", error.Message);
    }

    [Fact]
    public void A_weight_stored_under_another_name_is_refused()
    {
        var weights = new Dictionary<string, NamedTensor>(Valid);
        weights["bn1.bias"] = weights["bn1.bias"] with { Name = "bn1.beta" };

        var error = Assert.Throws<ArgumentException>(() => Export(weights));

        Assert.Contains("'bn1.beta'", error.Message);
    }

    [Fact]
    public void Batch_counters_from_a_state_dict_are_ignored()
    {
        var weights = new Dictionary<string, NamedTensor>(Valid)
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
