using ResNetService.Topology;
using ResNetService.Trainer.Model;

namespace ResNetService.Trainer.Tests.Model;

public sealed class ResNetParameterTests
{
    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet34")]
    [InlineData("resnet50")]
    [InlineData("resnet101")]
    [InlineData("resnet152")]
    public void Parameter_count_equals_the_parameter_table(string name)
    {
        // The table itself is checked against torchvision's counts once, in ResNetService.Topology.Tests.
        var config = new ResNetConfig(ResNetArchitecture.Parse(name), NumClasses: 1000);
        using var model = new ResNet(config);

        Assert.Equal(ResNetParameters.TrainableCount(config), model.ParameterCount);
    }

    [Theory]
    [InlineData(ResNetVariant.V1_5)]
    [InlineData(ResNetVariant.V1)]
    public void Stride_placement_does_not_change_names_or_shapes(ResNetVariant variant)
    {
        using var v15 = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet50, 10));
        using var other = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet50, 10, variant));

        Assert.Equal(Shapes(v15), Shapes(other));
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    public void State_dict_uses_torchvision_names_and_shapes(string name)
    {
        var architecture = ResNetArchitecture.Parse(name);
        using var model = new ResNet(new ResNetConfig(architecture, NumClasses: 7));

        Assert.Equal(TorchvisionStateDict(architecture, numClasses: 7), Shapes(model));
    }

    [Theory]
    [InlineData("resnet18", ResNetVariant.V1_5)]
    [InlineData("resnet34", ResNetVariant.V1)]
    [InlineData("resnet50", ResNetVariant.V1)]
    [InlineData("resnet101", ResNetVariant.V1_5)]
    [InlineData("resnet152", ResNetVariant.V1_5)]
    public void State_dict_matches_what_the_onnx_graph_expects(string name, ResNetVariant variant)
    {
        var config = new ResNetConfig(ResNetArchitecture.Parse(name), NumClasses: 12, variant);
        using var model = new ResNet(config);
        var specs = ResNetParameters.Enumerate(config);
        static string Describe(string key, IEnumerable<long> shape) => $"{key} {string.Join("x", shape)}";

        // Parameters come in torchvision's registration order; TorchSharp's state_dict lists buffers after them.
        Assert.Equal(
            specs.Where(spec => spec.IsTrainable).Select(spec => Describe(spec.Name, spec.Shape)),
            model.named_parameters().Select(entry => Describe(entry.name, entry.parameter.shape)));
        Assert.Equal(
            specs.Select(spec => Describe(spec.Name, spec.Shape)).Order(StringComparer.Ordinal),
            model.state_dict()
                .Where(entry => !entry.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
                .Select(entry => Describe(entry.Key, entry.Value.shape))
                .Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Zero_init_residual_zeroes_each_blocks_last_norm_weight_only()
    {
        using var model = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet50, 10), zeroInitResidual: true);
        var state = model.state_dict();

        foreach (var block in model.Network.Blocks)
        {
            Assert.Equal(0f, state[$"{block.Name}.bn3.weight"].abs().max().item<float>());
            Assert.Equal(1f, state[$"{block.Name}.bn2.weight"].min().item<float>());
        }
    }

    [Fact]
    public void Convolutions_are_kaiming_normal_fan_out_and_norms_start_at_one_and_zero()
    {
        using var model = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet50, 10));
        var state = model.state_dict();

        // fan_out of layer3.0.conv2 (256 -> 256, 3x3) is 256 * 9: std = sqrt(2 / 2304).
        var weight = state["layer3.0.conv2.weight"];
        Assert.Equal(Math.Sqrt(2.0 / (256 * 9)), weight.std().item<float>(), 0.002);
        Assert.Equal(0.0, weight.mean().item<float>(), 0.002);
        // layer4.0.downsample.0 maps 1024 -> 2048 channels with a 1x1 kernel: fan_out = 2048.
        Assert.Equal(Math.Sqrt(2.0 / 2048), state["layer4.0.downsample.0.weight"].std().item<float>(), 0.002);
        Assert.Equal(1f, state["layer2.1.bn3.weight"].min().item<float>());
        Assert.Equal(0f, state["layer2.1.bn3.bias"].abs().max().item<float>());
    }

    private static SortedDictionary<string, string> Shapes(ResNet model) =>
        new(model.state_dict().ToDictionary(entry => entry.Key, entry => string.Join("x", entry.Value.shape)), StringComparer.Ordinal);

    /// <summary>torchvision's state_dict, written out from the resnet.py source independently of the model code.</summary>
    private static SortedDictionary<string, string> TorchvisionStateDict(ResNetArchitecture architecture, int numClasses)
    {
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Conv(string name, long output, long input, int kernel) => expected[$"{name}.weight"] = $"{output}x{input}x{kernel}x{kernel}";
        void Norm(string name, long channels)
        {
            foreach (var tensor in new[] { "weight", "bias", "running_mean", "running_var" })
            {
                expected[$"{name}.{tensor}"] = channels.ToString();
            }

            expected[$"{name}.num_batches_tracked"] = "";
        }

        Conv("conv1", 64, 3, 7);
        Norm("bn1", 64);
        var input = 64L;
        var counts = architecture.BlocksPerStage;
        for (var stage = 0; stage < 4; stage++)
        {
            var width = 64L << stage;
            var output = architecture.Block == BlockKind.Basic ? width : 4 * width;
            for (var index = 0; index < counts[stage]; index++)
            {
                var prefix = $"layer{stage + 1}.{index}";
                if (architecture.Block == BlockKind.Basic)
                {
                    Conv($"{prefix}.conv1", width, input, 3);
                    Conv($"{prefix}.conv2", width, width, 3);
                    Norm($"{prefix}.bn1", width);
                    Norm($"{prefix}.bn2", width);
                }
                else
                {
                    Conv($"{prefix}.conv1", width, input, 1);
                    Conv($"{prefix}.conv2", width, width, 3);
                    Conv($"{prefix}.conv3", output, width, 1);
                    Norm($"{prefix}.bn1", width);
                    Norm($"{prefix}.bn2", width);
                    Norm($"{prefix}.bn3", output);
                }

                if (index == 0 && (stage > 0 || input != output))
                {
                    Conv($"{prefix}.downsample.0", output, input, 1);
                    Norm($"{prefix}.downsample.1", output);
                }

                input = output;
            }
        }

        expected["fc.weight"] = $"{numClasses}x{input}";
        expected["fc.bias"] = $"{numClasses}";
        return expected;
    }
}
