using ResNetService.Topology;
using ResNetService.Trainer.Tests.Export;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Tests.Model;

/// <summary>ResNet.Features: C1..C5, the embedding and the logits, read on the forward pass.</summary>
public sealed class ResNetFeaturesTests
{
    private const int Size = 64;

    [Theory]
    [InlineData(ResNetVariant.V1_5)]
    [InlineData(ResNetVariant.V1)]
    public void Resnet50_maps_have_the_channels_and_strides_of_c1_to_c5(ResNetVariant variant)
    {
        using var scope = NewDisposeScope();
        using var model = TrainedLikeModels.Create(new ResNetConfig(ResNetArchitecture.ResNet50, 10, variant), Size);
        using var noGrad = no_grad();

        var features = model.Features(randn(2, 3, Size, Size));

        Assert.Equal(
            [[2, 64, 32, 32], [2, 256, 16, 16], [2, 512, 8, 8], [2, 1024, 4, 4], [2, 2048, 2, 2]],
            features.Maps.Select(map => map.shape));
        Assert.Equal(new long[] { 2, 2048 }, features.Embedding.shape);
        Assert.Equal(new long[] { 2, 10 }, features.Logits.shape);
        Assert.Equal(["c1", "c2", "c3", "c4", "c5", "embedding"], features.Named().Select(named => named.Name));
    }

    [Fact]
    public void Embedding_is_the_mean_of_c5_and_fc_of_it_gives_forwards_logits()
    {
        using var scope = NewDisposeScope();
        using var model = TrainedLikeModels.Create(new ResNetConfig(ResNetArchitecture.ResNet50, 10), Size);
        using var noGrad = no_grad();
        var input = randn(3, 3, Size, Size, generator: new Generator(5));

        var features = model.Features(input);

        AssertClose(features.C5.mean([2, 3]), features.Embedding);
        var fc = (TorchSharp.Modules.Linear)model.named_children().Single(child => child.name == "fc").module;
        AssertClose(fc.call(features.Embedding), features.Logits);
        Assert.True(Same(features.Logits, model.call(input)), "Features' logits are not forward's.");
        Assert.True(features.Embedding.abs().max().item<float>() > 0);
    }

    [Fact]
    public void C1_is_the_stems_relu_output_and_c2_is_layer1_of_its_max_pool()
    {
        using var scope = NewDisposeScope();
        using var model = TrainedLikeModels.Create(new ResNetConfig(ResNetArchitecture.ResNet18, 10), Size);
        using var noGrad = no_grad();
        var input = randn(2, 3, Size, Size, generator: new Generator(6));

        var features = model.Features(input);

        var stem = nn.functional.relu(Module("bn1").call(Module("conv1").call(input)));
        Assert.True(Same(stem, features.C1), "C1 is not relu(bn1(conv1(x))).");
        Assert.True(Same(Module("layer1").call(Module("maxpool").call(stem)), features.C2), "C2 is not layer1(maxpool(C1)).");
        Assert.True(Same(Module("layer4").call(features.C4), features.C5), "C5 is not layer4(C4).");

        nn.Module<Tensor, Tensor> Module(string name) =>
            (nn.Module<Tensor, Tensor>)model.named_children().Single(child => child.name == name).module;
    }

    private static bool Same(Tensor expected, Tensor actual) =>
        expected.shape.SequenceEqual(actual.shape) && expected.eq(actual).all().item<bool>();

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        var difference = (expected - actual).abs().max().item<float>();
        var scale = Math.Max(1, expected.abs().max().item<float>());
        Assert.True(difference <= 1e-5 * scale, $"max difference {difference} at scale {scale}.");
    }
}
