using Microsoft.ML.OnnxRuntime;
using ResNetService.Onnx.ModelFile;
using ResNetService.Onnx.ResNet;
using ResNetService.Topology;
using ResNetService.Trainer.Export;
using ResNetService.Trainer.Model;
using Xunit.Abstractions;

namespace ResNetService.Trainer.Tests.Export;

public sealed class OnnxExporterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("resnet18", 32, ResNetVariant.V1_5)]
    [InlineData("resnet18", 64, ResNetVariant.V1)]
    [InlineData("resnet50", 32, ResNetVariant.V1_5)]
    [InlineData("resnet50", 32, ResNetVariant.V1)]
    [InlineData("resnet50", 64, ResNetVariant.V1_5)]
    public void Exported_model_computes_the_same_logits(string name, int imageSize, ResNetVariant variant)
    {
        using var model = TrainedLikeModels.Create(new ResNetConfig(ResNetArchitecture.Parse(name), NumClasses: 10, variant), imageSize);

        var bytes = OnnxExporter.ToBytes(model, new Dictionary<string, string>(), "test");
        var result = ParityCheck.Run(model, bytes, imageSize, batchSize: 3);

        output.WriteLine(result.ToString());
        Assert.True(result.Passed, result.ToString());
        Assert.True(result.MaxAbsValue > 0);
    }

    [Theory]
    [InlineData("resnet18", ResNetVariant.V1_5)]
    [InlineData("resnet50", ResNetVariant.V1)]
    public void Extra_outputs_compute_torchsharps_embedding_and_last_feature_map(string name, ResNetVariant variant)
    {
        const int size = 64;
        using var model = TrainedLikeModels.Create(new ResNetConfig(ResNetArchitecture.Parse(name), NumClasses: 10, variant), size);

        var bytes = OnnxExporter.ToBytes(model, new Dictionary<string, string>(), "test", size, ExtraOutputs.Embedding | ExtraOutputs.FeatureMap);
        var results = ParityCheck.RunAll(model, bytes, size, batchSize: 2);

        foreach (var result in results)
        {
            output.WriteLine(result.ToString());
        }

        Assert.Equal(["logits", "embedding", "feature_map"], results.Select(result => result.Output));
        Assert.All(results, result => Assert.True(result.Passed && result.MaxAbsValue > 0, result.ToString()));
        using var session = new InferenceSession(bytes);
        Assert.Equal("embedding", session.ModelMetadata.CustomMetadataMap[ModelMetadataKeys.EmbeddingOutput]);
        Assert.Equal("feature_map", session.ModelMetadata.CustomMetadataMap[ModelMetadataKeys.FeatureMapOutput]);
    }

    [Fact]
    public void Parity_check_judges_each_extra_output_by_its_own_scale()
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet18, 10);
        using var model = TrainedLikeModels.Create(config, 32, seed: 1);
        using var other = TrainedLikeModels.Create(config, 32, seed: 2);

        var results = ParityCheck.RunAll(model, OnnxExporter.ToBytes(other, new Dictionary<string, string>(), "test", 32, ExtraOutputs.FeatureMap), 32);

        Assert.Equal(["logits", "feature_map"], results.Select(result => result.Output));
        Assert.All(results, result => Assert.False(result.Passed, result.ToString()));
        Assert.NotEqual(results[0].MaxAbsValue, results[1].MaxAbsValue);
    }

    [Theory]
    [InlineData(0.9e-4, 0.5, true)]   // small logits: an absolute 1e-4
    [InlineData(1.1e-4, 0.5, false)]
    [InlineData(4.9e-4, 5.0, true)]   // large logits: 1e-4 of the largest
    [InlineData(5.1e-4, 5.0, false)]
    public void Parity_rule_is_relative_to_the_largest_logit_but_never_below_1e_4(double difference, double maxLogit, bool passed)
    {
        Assert.Equal(passed, new ParityResult(difference, maxLogit).Passed);
    }

    [Fact]
    public void Running_statistics_are_exported_not_just_parameters()
    {
        using var model = TrainedLikeModels.Create(new ResNetConfig(ResNetArchitecture.ResNet18, 4), 32);

        var tensors = StateDict.ToNamedTensors(model);

        Assert.DoesNotContain(tensors.Keys, key => key.EndsWith("num_batches_tracked", StringComparison.Ordinal));
        Assert.Equal(
            ResNetParameters.Enumerate(model.Config).Select(spec => (spec.Name, string.Join("x", spec.Shape))).Order(),
            tensors.Values.Select(tensor => (tensor.Name, string.Join("x", tensor.Shape))).Order());
        Assert.Contains(tensors["layer1.0.bn1.running_var"].Data, value => Math.Abs(value - 1) > 0.01);
    }

    [Fact]
    public void Parity_check_fails_for_a_file_from_other_weights()
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet18, 10);
        using var model = TrainedLikeModels.Create(config, 32, seed: 1);
        using var other = TrainedLikeModels.Create(config, 32, seed: 2);

        var result = ParityCheck.Run(model, OnnxExporter.ToBytes(other, new Dictionary<string, string>(), "test"), 32);

        Assert.False(result.Passed, result.ToString());
    }

    [Fact]
    public void Written_file_carries_the_callers_metadata()
    {
        using var model = new ResNet(new ResNetConfig(ResNetArchitecture.ResNet18, 3));
        var path = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}", "model.onnx");
        try
        {
            OnnxExporter.Write(model, path, new Dictionary<string, string> { ["labels"] = "[\"a\",\"b\",\"c\"]" }, "trainer-test", imageSize: 32);

            using var session = new InferenceSession(path);
            Assert.Equal("[\"a\",\"b\",\"c\"]", session.ModelMetadata.CustomMetadataMap["labels"]);
            Assert.Equal(new[] { 3L }, session.OutputMetadata["logits"].Dimensions.Skip(1).Select(d => (long)d));
            Assert.Equal(new[] { 3, 32, 32 }, session.InputMetadata["input"].Dimensions.Skip(1));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
