using Microsoft.ML.OnnxRuntime;
using ResNetService.Onnx.Graph;
using ResNetService.Onnx.ModelFile;
using ResNetService.Onnx.ResNet;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Onnx.Tests;

/// <summary>The optional outputs embedding and feature_map beside logits, as ONNX Runtime reads and runs them.</summary>
public sealed class ExtraOutputsTests
{
    private const int Classes = 5;
    private const ExtraOutputs Both = ExtraOutputs.Embedding | ExtraOutputs.FeatureMap;

    [Theory]
    [InlineData("resnet18", 512)]
    [InlineData("resnet50", 2048)]
    public void Logits_stay_first_and_the_extra_outputs_follow_with_fixed_shapes(string name, int channels)
    {
        var config = new ResNetConfig(ResNetArchitecture.Parse(name), Classes);
        using var session = new InferenceSession(RandomResNetModel.ToBytes(config, imageSize: 64, extraOutputs: Both));

        Assert.Equal(["logits", "embedding", "feature_map"], session.OutputNames);
        Assert.Equal([-1, Classes], session.OutputMetadata["logits"].Dimensions);
        Assert.Equal([-1, channels], session.OutputMetadata["embedding"].Dimensions);
        Assert.Equal([-1, channels, 2, 2], session.OutputMetadata["feature_map"].Dimensions);
    }

    [Fact]
    public void Without_an_image_size_the_feature_maps_height_and_width_are_symbolic()
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet18, Classes);
        var model = RandomResNetModel.Create(config, extraOutputs: ExtraOutputs.FeatureMap);

        var dims = model.Graph.Output.Single(output => output.Name == "feature_map").Type.TensorType.Shape.Dim;
        Assert.Equal(["batch", "", "feature_map_height", "feature_map_width"], dims.Select(dim => dim.DimParam));
        Assert.Equal(512, dims[1].DimValue);

        using var runner = new OnnxRunner(model);
        var outputs = Run(runner.Session, NoiseTensors.Batch(1, 3, 96, seed: 3), 1, 96);
        Assert.Equal([1L, 512, 3, 3], outputs["feature_map"].Shape);
    }

    [Theory]
    [InlineData("resnet18", ResNetVariant.V1_5)]
    [InlineData("resnet50", ResNetVariant.V1)]
    public void Embedding_is_the_feature_maps_mean_and_fc_of_it_gives_the_logits(string name, ResNetVariant variant)
    {
        const int batch = 2;
        const int size = 64;
        var config = new ResNetConfig(ResNetArchitecture.Parse(name), Classes, variant);
        using var session = new InferenceSession(RandomResNetModel.ToBytes(config, seed: 7, imageSize: size, extraOutputs: Both));

        var outputs = Run(session, NoiseTensors.Batch(batch, 3, size, seed: 11), batch, size);

        var (map, mapShape) = outputs["feature_map"];
        var (embedding, _) = outputs["embedding"];
        var (channels, plane) = ((int)mapShape[1], (int)(mapShape[2] * mapShape[3]));
        Assert.Equal(batch * channels, embedding.Length);
        for (var row = 0; row < batch * channels; row++)
        {
            var mean = map.AsSpan(row * plane, plane).ToArray().Average();
            AssertClose(mean, embedding[row], $"embedding value {row}");
        }

        var fc = RandomResNetWeights.Create(config, seed: 7);
        var (weight, bias) = (fc["fc.weight"].Data, fc["fc.bias"].Data);
        var (logits, _) = outputs["logits"];
        for (var n = 0; n < batch; n++)
        {
            for (var k = 0; k < Classes; k++)
            {
                var gemm = bias[k] + Enumerable.Range(0, channels).Sum(c => (double)embedding[n * channels + c] * weight[k * channels + c]);
                AssertClose(gemm, logits[n * Classes + k], $"logit [{n}, {k}]");
            }
        }

        Assert.Contains(map, value => value > 0);
        Assert.DoesNotContain(map, value => value < 0); // C5 leaves a ReLU
    }

    [Fact]
    public void Extra_outputs_leave_the_logits_as_they_were()
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet18, Classes);
        using var plain = new InferenceSession(RandomResNetModel.ToBytes(config, seed: 4, imageSize: 32));
        using var extended = new InferenceSession(RandomResNetModel.ToBytes(config, seed: 4, imageSize: 32, extraOutputs: Both));
        var images = NoiseTensors.Batch(3, 3, 32, seed: 5);

        Assert.Equal(Run(plain, images, 3, 32)["logits"].Values, Run(extended, images, 3, 32)["logits"].Values);
    }

    [Theory]
    [InlineData(ExtraOutputs.Embedding, new[] { "logits", "embedding" })]
    [InlineData(ExtraOutputs.FeatureMap, new[] { "logits", "feature_map" })]
    public void One_extra_output_alone_is_declared_and_named_in_the_metadata(ExtraOutputs extra, string[] outputs)
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet18, Classes);
        var metadata = new Dictionary<string, string> { ["labels"] = "[]" };
        using var session = new InferenceSession(RandomResNetModel.ToBytes(config, metadata, imageSize: 32, extraOutputs: extra));

        Assert.Equal(outputs, session.OutputNames);
        var map = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("[]", map["labels"]);
        var key = extra == ExtraOutputs.Embedding ? ModelMetadataKeys.EmbeddingOutput : ModelMetadataKeys.FeatureMapOutput;
        var otherKey = extra == ExtraOutputs.Embedding ? ModelMetadataKeys.FeatureMapOutput : ModelMetadataKeys.EmbeddingOutput;
        Assert.Equal(outputs[1], map[key]);
        Assert.False(map.ContainsKey(otherKey));
    }

    [Fact]
    public void Both_metadata_keys_name_graph_outputs()
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet18, Classes);
        using var session = new InferenceSession(RandomResNetModel.ToBytes(config, imageSize: 32, extraOutputs: Both));

        var map = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("embedding", map["embedding_output"]);
        Assert.Equal("feature_map", map["feature_map_output"]);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(null)]
    public void Without_extra_outputs_the_file_is_the_default_one_byte_for_byte(int? imageSize)
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet18, Classes);
        var weights = RandomResNetWeights.Create(config, seed: 2);
        var metadata = new Dictionary<string, string> { ["labels"] = "[]" };

        var before = OnnxModelFile.ToBytes(ResNetOnnxExporter.Build(config, weights, metadata, "test", imageSize));
        var none = OnnxModelFile.ToBytes(ResNetOnnxExporter.Build(config, weights, metadata, "test", imageSize, ExtraOutputs.None));

        Assert.Equal(before, none);
    }

    [Fact]
    public void Extra_outputs_add_no_node_only_names()
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet50, Classes);
        var plain = RandomResNetModel.Create(config, seed: 1).Graph;
        var extended = RandomResNetModel.Create(config, seed: 1, extraOutputs: Both).Graph;

        Assert.Equal(plain.Node.Select(node => (node.Name, node.OpType)), extended.Node.Select(node => (node.Name, node.OpType)));
        Assert.Equal(plain.Initializer.Select(tensor => tensor.Name), extended.Initializer.Select(tensor => tensor.Name));
        Assert.Equal("feature_map", extended.Node.Single(node => node.Name == "layer4.2.relu").Output.Single());
        Assert.Equal("embedding", extended.Node.Single(node => node.Name == "flatten").Output.Single());
        Assert.Equal(["embedding", "fc.weight", "fc.bias"], extended.Node.Single(node => node.Name == "fc").Input);
    }

    private static Dictionary<string, (float[] Values, long[] Shape)> Run(InferenceSession session, float[] images, int batch, int size)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(images, [batch, 3, size, size]);
        using var results = session.Run(new RunOptions(), [session.InputNames[0]], [input], session.OutputNames);
        return session.OutputNames.Zip(results)
            .ToDictionary(pair => pair.First, pair => (pair.Second.GetTensorDataAsSpan<float>().ToArray(), pair.Second.GetTensorTypeAndShape().Shape));
    }

    private static void AssertClose(double expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}.");
}
