using ResNetService.Onnx.ResNet;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Onnx.Tests;

/// <summary>ONNX Runtime running the exported graph agrees with an independent forward pass.</summary>
public class ReferenceForwardTests
{
    private const int Size = 32;
    private const int Classes = 5;

    [Theory]
    [InlineData("resnet18", ResNetVariant.V1_5)]
    [InlineData("resnet50", ResNetVariant.V1_5)]
    [InlineData("resnet50", ResNetVariant.V1)]
    public void Onnx_runtime_matches_the_reference_forward_pass(string name, ResNetVariant variant)
    {
        var config = new ResNetConfig(ResNetArchitecture.Parse(name), Classes, variant);
        var weights = RandomResNetWeights.Create(config, seed: 3);
        var image = NoiseTensors.Batch(1, 3, Size, seed: 4);

        var expected = ReferenceResNet.Forward(config, weights, image, Size);
        using var runner = new OnnxRunner(ResNetOnnxExporter.Build(config, weights, new Dictionary<string, string>(), "test"));
        var (actual, _) = runner.Run(image, [1, 3, Size, Size]);

        AssertClose(expected, actual);
    }

    [Theory]
    [InlineData(ResNetHead.GlobalAveragePool, 32)]
    [InlineData(ResNetHead.AveragePool2, 64)]
    public void Onnx_runtime_matches_the_keras_tutorials_forward_pass(ResNetHead head, int size)
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet50, Classes, ResNetVariant.Keras, Head: head, ImageSize: size);
        var weights = RandomResNetWeights.Create(config, seed: 3);
        var image = NoiseTensors.Batch(1, 3, size, seed: 4);

        var expected = ReferenceResNet.Forward(config, weights, image, size);
        using var runner = new OnnxRunner(ResNetOnnxExporter.Build(config, weights, new Dictionary<string, string>(), "test"));
        var (actual, _) = runner.Run(image, [1, 3, size, size]);

        AssertClose(expected, actual);
    }

    [Fact]
    public void Stride_placement_changes_the_graph_and_the_output_with_the_same_weights()
    {
        var v15 = new ResNetConfig(ResNetArchitecture.ResNet50, Classes, ResNetVariant.V1_5);
        var v1 = v15 with { Variant = ResNetVariant.V1 };
        var weights = RandomResNetWeights.Create(v15, seed: 5);
        var image = NoiseTensors.Batch(1, 3, Size, seed: 6);
        var modelV15 = ResNetOnnxExporter.Build(v15, weights, new Dictionary<string, string>(), "test");
        var modelV1 = ResNetOnnxExporter.Build(v1, weights, new Dictionary<string, string>(), "test");

        Assert.Equal([1L, 1L], Strides(modelV15, "layer2.0.conv1"));
        Assert.Equal([2L, 2L], Strides(modelV15, "layer2.0.conv2"));
        Assert.Equal([2L, 2L], Strides(modelV1, "layer2.0.conv1"));
        Assert.Equal([1L, 1L], Strides(modelV1, "layer2.0.conv2"));

        using var runnerV15 = new OnnxRunner(modelV15);
        using var runnerV1 = new OnnxRunner(modelV1);
        var (logitsV15, _) = runnerV15.Run(image, [1, 3, Size, Size]);
        var (logitsV1, _) = runnerV1.Run(image, [1, 3, Size, Size]);
        var largestDifference = logitsV15.Zip(logitsV1, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largestDifference > 1e-3, $"v1 and v1.5 logits differ by at most {largestDifference}.");
    }

    private static long[] Strides(Protos.ModelProto model, string nodeName) =>
        [.. model.Graph.Node.Single(node => node.Name == nodeName).Attribute.Single(attribute => attribute.Name == "strides").Ints];

    /// <summary>Each logit within 1e-4 of the reference, relative to the largest logit's size.</summary>
    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = Math.Max(1.0, expected.Max(Math.Abs));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * scale,
                $"Logit {i}: reference {expected[i]}, ONNX Runtime {actual[i]} (scale {scale}).");
        }
    }
}
