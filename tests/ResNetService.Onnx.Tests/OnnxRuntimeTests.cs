using ResNetService.Onnx.ResNet;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Onnx.Tests;

/// <summary>ONNX Runtime, the service's reader, loads and runs random-weight ResNets.</summary>
public class OnnxRuntimeTests
{
    private const int Classes = 10;

    [Theory]
    [InlineData("resnet18", 32)]
    [InlineData("resnet18", 64)]
    [InlineData("resnet50", 32)]
    [InlineData("resnet50", 64)]
    public void Gives_finite_logits_of_shape_batch_by_classes(string name, int size)
    {
        var config = new ResNetConfig(ResNetArchitecture.Parse(name), Classes);
        using var runner = new OnnxRunner(RandomResNetModel.Create(config, seed: 1));

        var (logits, shape) = runner.Run(NoiseTensors.Batch(3, 3, size, seed: size), [3, 3, size, size]);

        Assert.Equal([3L, Classes], shape);
        Assert.All(logits, value => Assert.True(float.IsFinite(value), $"Logit {value} is not finite."));
        Assert.True(logits.Distinct().Count() > Classes, "Logits barely vary: the network looks dead.");
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    public void A_row_of_a_batch_equals_the_same_image_run_alone(string name)
    {
        const int size = 32;
        const int batch = 4;
        var config = new ResNetConfig(ResNetArchitecture.Parse(name), Classes);
        using var runner = new OnnxRunner(RandomResNetModel.Create(config, seed: 2));
        var images = NoiseTensors.Batch(batch, 3, size, seed: 7);
        var (batched, _) = runner.Run(images, [batch, 3, size, size]);

        var imageLength = 3 * size * size;
        for (var row = 0; row < batch; row++)
        {
            var (alone, _) = runner.Run(images.AsSpan(row * imageLength, imageLength).ToArray(), [1, 3, size, size]);
            for (var k = 0; k < Classes; k++)
            {
                var expected = alone[k];
                var actual = batched[row * Classes + k];
                Assert.True(Math.Abs(expected - actual) <= 1e-4 * Math.Max(1, Math.Abs(expected)),
                    $"Row {row}, class {k}: alone {expected}, in a batch {actual}.");
            }
        }
    }

    [Fact]
    public void Declared_shapes_are_what_the_session_reports()
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet18, Classes, InputChannels: 1);
        using var dynamic = new OnnxRunner(RandomResNetModel.Create(config));
        using var fixedSize = new OnnxRunner(RandomResNetModel.Create(config, imageSize: 48));

        Assert.Equal([ResNetOnnxExporter.InputName], dynamic.Session.InputNames);
        Assert.Equal([ResNetOnnxExporter.OutputName], dynamic.Session.OutputNames);
        Assert.Equal([-1, 1, -1, -1], dynamic.Session.InputMetadata[ResNetOnnxExporter.InputName].Dimensions);
        Assert.Equal([-1, 1, 48, 48], fixedSize.Session.InputMetadata[ResNetOnnxExporter.InputName].Dimensions);
        Assert.Equal([-1, Classes], fixedSize.Session.OutputMetadata[ResNetOnnxExporter.OutputName].Dimensions);
    }

    [Fact]
    public void Metadata_reaches_the_session()
    {
        var metadata = new Dictionary<string, string> { ["labels"] = "[\"a\",\"b\"]", ["image_size"] = "32" };
        using var runner = new OnnxRunner(RandomResNetModel.Create(new ResNetConfig(ResNetArchitecture.ResNet18, 2), metadata));

        var read = runner.Session.ModelMetadata;
        Assert.Equal(metadata, read.CustomMetadataMap);
        Assert.Equal(ResNetOnnxExporter.ProducerName, read.ProducerName);
    }
}
