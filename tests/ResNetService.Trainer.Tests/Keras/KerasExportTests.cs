using ResNetService.Topology;
using ResNetService.Trainer.Export;
using ResNetService.Trainer.Model;
using ResNetService.Trainer.Tests.Export;
using Xunit.Abstractions;

namespace ResNetService.Trainer.Tests.Keras;

public sealed class KerasExportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ResNetHead.AveragePool2, 64)]
    [InlineData(ResNetHead.GlobalAveragePool, 32)]
    public void Exported_keras_network_computes_the_same_logits(ResNetHead head, int imageSize)
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet50, 6, ResNetVariant.Keras, Head: head, ImageSize: imageSize);
        using var model = TrainedLikeModels.Create(config, imageSize);

        var bytes = OnnxExporter.ToBytes(model, new Dictionary<string, string>(), "test", imageSize);
        var result = ParityCheck.Run(model, bytes, imageSize, batchSize: 2);

        output.WriteLine(result.ToString());
        Assert.True(result.Passed, result.ToString());
        Assert.True(result.MaxAbsValue > 0);
    }

    [Fact]
    public void Zero_padding_becomes_the_stem_convolutions_pads_and_the_head_pins_the_input_size()
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet50, 6, ResNetVariant.Keras, Head: ResNetHead.AveragePool2, ImageSize: 64);
        using var model = new ResNet(config);

        var graph = OnnxExporter.Build(model, new Dictionary<string, string>(), "test").Graph;

        var conv1 = graph.Node.Single(node => node.Name == "conv1");
        Assert.Equal([3L, 3, 3, 3], conv1.Attribute.Single(a => a.Name == "pads").Ints);
        Assert.Equal(3, conv1.Input.Count); // input, weight, bias
        Assert.DoesNotContain(graph.Node, node => node.OpType == "Pad");
        Assert.Equal([0L, 0, 0, 0], graph.Node.Single(node => node.Name == "maxpool").Attribute.Single(a => a.Name == "pads").Ints);
        Assert.Equal("AveragePool", graph.Node.Single(node => node.Name == "avgpool").OpType);
        // Without an image size the head's own fixes the input: its dense layer fits 64x64 only.
        Assert.Equal([64L, 64], graph.Input.Single().Type.TensorType.Shape.Dim.Skip(2).Select(dim => dim.DimValue));
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Build(model, new Dictionary<string, string>(), "test", imageSize: 96).Graph);
        Assert.Contains("built for 64x64", error.Message);
    }
}
