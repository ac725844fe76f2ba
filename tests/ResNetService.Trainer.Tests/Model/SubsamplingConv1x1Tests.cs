using ResNetService.Trainer.Model;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Tests.Model;

public sealed class SubsamplingConv1x1Tests
{
    [Theory]
    [InlineData(8, 2)]
    [InlineData(7, 2)]
    [InlineData(9, 3)]
    public void Equals_a_strided_1x1_convolution_with_the_same_weight(int size, long stride)
    {
        using var scope = NewDisposeScope();
        using var conv = new SubsamplingConv1x1(16, 32, stride);
        var input = randn(3, 16, size, size);

        var expected = nn.functional.conv2d(input, conv.Weight, strides: [stride, stride]);
        var actual = conv.call(input);

        Assert.Equal(expected.shape, actual.shape);
        Assert.True((expected - actual).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void Exposes_one_parameter_named_weight_shaped_like_a_conv()
    {
        using var conv = new SubsamplingConv1x1(16, 32, 2);

        var (name, parameter) = Assert.Single(conv.named_parameters());
        Assert.Equal("weight", name);
        Assert.Equal(new long[] { 32, 16, 1, 1 }, parameter.shape);
    }
}
