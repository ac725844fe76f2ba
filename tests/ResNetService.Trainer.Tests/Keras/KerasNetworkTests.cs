using ResNetService.Topology;
using ResNetService.Trainer.Model;
using ResNetService.Trainer.Tests.Runs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Tests.Keras;

/// <summary>
/// The keras variant as TorchSharp builds it: the SIGNS tutorial's ResNet-50 (64x64x3, 6 classes). One test seeds
/// libtorch's global generator, so the class runs with no other test in parallel.
/// </summary>
[Collection(nameof(SeededTrainingCollection))]
public sealed class KerasNetworkTests
{
    private static readonly ResNetConfig Signs = new(ResNetArchitecture.ResNet50, 6, ResNetVariant.Keras, Head: ResNetHead.AveragePool2, ImageSize: 64);

    [Fact]
    public void Parameters_and_moving_statistics_count_as_keras_prints_them()
    {
        using var model = new ResNet(Signs);

        var statistics = model.named_buffers().Where(buffer => !buffer.name.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .Sum(buffer => buffer.buffer.numel());
        Assert.Equal(23_546_886, model.ParameterCount);
        Assert.Equal(53_120, statistics);
        Assert.Equal(
            ResNetParameters.Enumerate(Signs).Select(spec => (spec.Name, string.Join("x", spec.Shape))).Order(),
            model.state_dict().Where(entry => entry.Value.is_floating_point())
                .Select(entry => (entry.Key, string.Join("x", entry.Value.shape))).Order());
    }

    [Fact]
    public void Strided_1x1_convolutions_subsample_and_keep_their_bias()
    {
        using var model = new ResNet(Signs);

        var modules = model.named_modules().ToDictionary(entry => entry.name, entry => entry.module);
        var shortcut = Assert.IsType<SubsamplingConv1x1>(modules["layer2.0.downsample.0"]);
        Assert.NotNull(shortcut.Bias);
        Assert.Equal(2, shortcut.Stride);
        Assert.IsType<SubsamplingConv1x1>(modules["layer2.0.conv1"]);
        Assert.IsType<Conv2d>(modules["layer1.0.downsample.0"]); // stride 1 in the first stage
    }

    [Fact]
    public void Weights_start_glorot_uniform_with_zero_biases()
    {
        using var model = new ResNet(Signs);
        var parameters = model.named_parameters().ToDictionary(entry => entry.name, entry => entry.parameter);

        // layer4.0.conv2: 512 -> 512 channels, 3x3; fan-in = fan-out = 4608; limit sqrt(6 / 9216).
        var weight = parameters["layer4.0.conv2.weight"];
        var limit = Math.Sqrt(6.0 / (2 * 512 * 9));
        Assert.True(weight.abs().max().item<float>() <= limit);
        Assert.Equal(limit / Math.Sqrt(3), weight.std().item<float>(), limit / Math.Sqrt(3) * 0.02); // a uniform's standard deviation
        var fc = parameters["fc.weight"];
        Assert.True(fc.abs().max().item<float>() <= Math.Sqrt(6.0 / (2048 + 6)));
        foreach (var name in new[] { "conv1.bias", "layer1.0.conv2.bias", "layer2.0.downsample.0.bias", "layer2.0.conv1.bias", "fc.bias" })
        {
            Assert.Equal(0, parameters[name].abs().max().item<float>());
        }
    }

    [Fact]
    public void Batch_norm_uses_keras_epsilon_and_momentum()
    {
        using var model = new ResNet(Signs);
        var norm = (BatchNorm2d)model.named_modules().Single(entry => entry.name == "bn1").module;
        using var scope = NewDisposeScope();

        norm.train();
        var output = norm.call(full([2, 64, 3, 3], 3f) + arange(64).reshape(1, 64, 1, 1).to_type(ScalarType.Float32));

        // Keras's momentum 0.99 keeps 99% of the old moving mean (0) and takes 1% of the batch mean (3 + c).
        Assert.Equal(0.03f, norm.running_mean![0].item<float>(), 1e-6f);
        Assert.Equal(0.66f, norm.running_mean![63].item<float>(), 1e-5f);
        // A constant channel normalises to 0 whatever epsilon is; a channel with variance v to x / sqrt(v + 1e-3).
        var spread = norm.call(tensor(new float[] { -1, 1 }).reshape(2, 1, 1, 1).expand(2, 64, 1, 1).contiguous());
        Assert.Equal((float)(1 / Math.Sqrt(1 + 1e-3)), spread[1, 0, 0, 0].item<float>(), 1e-6f);
        Assert.Equal(0f, output[0, 5].abs().max().item<float>(), 1e-5f);
    }

    [Fact]
    public void Variants_without_biases_draw_the_same_weights_as_before()
    {
        // SubsamplingConv1x1 draws its bias only when it has one: the torchvision variants' seeded weights are unchanged.
        random.manual_seed(7);
        using var without = new SubsamplingConv1x1(8, 16, 2);
        var first = without.Weight.clone();
        random.manual_seed(7);
        using var with = new SubsamplingConv1x1(8, 16, 2, hasBias: true);

        Assert.Equal(0, (first - with.Weight).abs().max().item<float>());
        Assert.Null(without.Bias);
        Assert.Equal(["weight", "bias"], with.named_parameters().Select(entry => entry.name));
    }

    [Fact]
    public void A_biased_subsampling_convolution_equals_a_strided_conv2d()
    {
        using var scope = NewDisposeScope();
        using var conv = new SubsamplingConv1x1(4, 6, 2, hasBias: true);
        using (var noGrad = no_grad())
        {
            conv.Bias!.copy_(randn(6));
        }

        var input = randn(2, 4, 15, 15);
        var expected = nn.functional.conv2d(input, conv.Weight, conv.Bias, strides: [2, 2]);

        var actual = conv.call(input);
        Assert.Equal(new long[] { 2, 6, 8, 8 }, actual.shape);
        Assert.True((expected - actual).abs().max().item<float>() < 1e-5f);
    }
}
