using Microsoft.ML.OnnxRuntime;
using ResNetService.Inference.Batching;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Features;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Preprocessing;
using ResNetService.Inference.Serving;
using ResNetService.Onnx.ModelFile;
using ResNetService.Onnx.ResNet;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Inference.Tests.Features;

public class FeatureOutputsTests : IClassFixture<ModelFiles>
{
    private readonly ModelFiles _files;

    public FeatureOutputsTests(ModelFiles files) => _files = files;

    private static OnnxSession Load(string path) =>
        OnnxSession.Load(new ModelLoadSettings { Path = path, ExecutionProvider = ExecutionProviderPreference.Cpu }, warmupBatchSize: 2);

    private static ImageClassifier Classifier(string path) =>
        new(Load(path), new BatchingOptions { MaxBatchSize = 4, MaxBatchDelay = TimeSpan.FromMilliseconds(20) }, new ImageLimits());

    private static byte[] Noise(int seed)
    {
        using var image = TestImages.Noise(70, 60, seed);
        return TestImages.Png(image);
    }

    /// <summary>The image as the classifier feeds it to the network.</summary>
    private static float[] Row(byte[] image, PreprocessingSettings settings)
    {
        using var bitmap = ImageDecoder.Decode(image, new ImageLimits(), settings);
        var row = new float[settings.TensorLength];
        ImagePreprocessor.WriteTensor(bitmap, settings, row);
        return row;
    }

    [Fact]
    public void A_model_without_declared_outputs_gets_them_from_its_global_average_pool()
    {
        var path = _files.Write("found", FeatureModels.Metadata64());

        using var model = Load(path);

        var features = model.Info.Features;
        Assert.False(features.Declared);
        Assert.Equal(FeatureModels.Embedding, features.EmbeddingOutput);
        Assert.Equal(FeatureModels.FeatureMap, features.FeatureMapOutput);
        Assert.Equal(512, features.EmbeddingLength);
        Assert.Equal([512, 2, 2], features.FeatureMapShape);
        Assert.True(features.CanExplain, features.ExplanationUnavailable);
        Assert.Equal((10, 512), (features.Classifier!.Classes, features.Classifier.Channels));
        Assert.Equal("logits", model.Info.OutputName); // the scores are still the one output clients see
        Assert.NotNull(FeatureGraph.Plan(path).ModelBytes); // the service added the outputs to a copy
    }

    [Fact]
    public void Declared_outputs_are_used_as_they_are()
    {
        var path = FeatureModels.Save(
            FeatureModels.WithOutputs(FeatureModels.Read(_files.Write("declared-source", FeatureModels.Metadata64())), declare: true,
                FeatureModels.Embedding, FeatureModels.FeatureMap),
            Path.Combine(_files.Folder, "declared.onnx"));

        using var model = Load(path);

        Assert.True(model.Info.Features.Declared);
        Assert.Equal([512, 2, 2], model.Info.Features.FeatureMapShape);
        Assert.Null(FeatureGraph.Plan(path).ModelBytes); // nothing to add: the file is loaded as it is
    }

    [Fact]
    public void Outputs_our_exporter_declares_are_the_ones_served()
    {
        var path = Path.Combine(_files.Folder, "exported-with-outputs.onnx");
        RandomResNetModel.Write(path, new ResNetConfig(ResNetArchitecture.ResNet18, 10), FeatureModels.Metadata64(), seed: 7,
            extraOutputs: ExtraOutputs.Embedding | ExtraOutputs.FeatureMap);

        using var model = Load(path);

        var features = model.Info.Features;
        Assert.True(features.Declared);
        Assert.Equal((ResNetOnnxExporter.EmbeddingName, ResNetOnnxExporter.FeatureMapName), (features.EmbeddingOutput, features.FeatureMapOutput));
        Assert.Equal([512, 2, 2], features.FeatureMapShape);
        Assert.True(features.CanExplain, features.ExplanationUnavailable);
        Assert.Equal("logits", model.Info.OutputName);
        Assert.Null(FeatureGraph.Plan(path).ModelBytes);
    }

    [Fact]
    public async Task The_embedding_is_the_feature_maps_mean_and_the_classifier_turns_it_into_the_scores()
    {
        await using var classifier = Classifier(_files.Write("embedding", FeatureModels.Metadata64()));
        var image = Noise(3);
        var row = Row(image, classifier.Info.Preprocessing);

        var result = (await classifier.InferAsync([row], ExtraOutputs.Embedding | ExtraOutputs.FeatureMap))[0];
        var embedding = await classifier.EmbedAsync(image, normalize: false);

        var head = classifier.Info.Features.Classifier!;
        var (channels, plane) = (512, 4);
        for (var k = 0; k < channels; k++)
        {
            var mean = Enumerable.Range(0, plane).Average(i => result.FeatureMap![k * plane + i]);
            Assert.Equal(mean, result.Embedding![k], 1e-4);
            Assert.Equal(result.Embedding[k], embedding.Embedding[k], 1e-5f);
        }

        for (var c = 0; c < head.Classes; c++)
        {
            var score = head.Bias![c] + Enumerable.Range(0, channels).Sum(k => (double)head.WeightsOf(c)[k] * result.Embedding![k]);
            Assert.Equal(result.Output[c], score, 1e-3);
        }
    }

    [Fact]
    public async Task A_normalised_embedding_has_unit_length_and_the_same_direction()
    {
        await using var classifier = Classifier(_files.Write("normalised", FeatureModels.Metadata64()));
        var image = Noise(4);

        var raw = await classifier.EmbedAsync(image, normalize: false);
        var unit = await classifier.EmbedAsync(image, normalize: true);

        var length = Math.Sqrt(raw.Embedding.Sum(v => (double)v * v));
        Assert.True(length > 0);
        Assert.True(unit.Normalized);
        Assert.Equal(1.0, Math.Sqrt(unit.Embedding.Sum(v => (double)v * v)), 1e-5);
        Assert.All(Enumerable.Range(0, raw.Embedding.Length), k => Assert.Equal(raw.Embedding[k] / length, unit.Embedding[k], 1e-5));
    }

    [Fact]
    public async Task A_batch_of_embeddings_reports_a_bad_image_on_its_own()
    {
        await using var classifier = Classifier(_files.Write("embed-batch", FeatureModels.Metadata64()));
        var images = new ReadOnlyMemory<byte>[] { Noise(1), "not an image"u8.ToArray(), Noise(2) };

        var results = await classifier.EmbedBatchAsync(images, normalize: false);
        var alone = await classifier.EmbedAsync(images[2], normalize: false);

        Assert.Equal(ImageProblem.NotAnImage, results[1].Rejection?.Problem);
        Assert.Equal(512, results[0].Embedding!.Embedding.Length);
        Assert.Equal(alone.Embedding, results[2].Embedding!.Embedding, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Theory]
    [InlineData("softmax")]
    [InlineData("matmul")]
    public async Task Foreign_heads_are_found_too(string kind)
    {
        var source = FeatureModels.Read(_files.Write($"foreign-{kind}-source", FeatureModels.Metadata64()));
        var changed = kind == "softmax" ? FeatureModels.WithSoftmax(source) : FeatureModels.WithMatMulHead(source);
        var path = FeatureModels.Save(changed, Path.Combine(_files.Folder, $"foreign-{kind}.onnx"));
        await using var ours = Classifier(_files.Write($"foreign-{kind}-ours", FeatureModels.Metadata64()));
        await using var foreign = Classifier(path);

        Assert.True(foreign.Info.Features.CanExplain, foreign.Info.Features.ExplanationUnavailable);
        Assert.Equal(ours.Info.Features.Classifier!.Weights, foreign.Info.Features.Classifier!.Weights);
        Assert.Equal(ours.Info.Features.Classifier.Bias, foreign.Info.Features.Classifier.Bias);
        var image = Noise(5);
        Assert.Equal((await ours.EmbedAsync(image, false)).Embedding, (await foreign.EmbedAsync(image, false)).Embedding);
    }

    [Fact]
    public async Task A_model_that_is_not_ResNet_like_says_why_it_has_no_embedding()
    {
        var path = FeatureModels.Save(
            FeatureModels.WithoutGlobalPool(FeatureModels.Read(_files.Write("no-pool-source", FeatureModels.Metadata64()))),
            Path.Combine(_files.Folder, "no-pool.onnx"));
        await using var classifier = Classifier(path);

        var features = classifier.Info.Features;
        Assert.False(features.HasEmbedding);
        Assert.False(features.CanExplain);
        Assert.Contains("global average pool", features.EmbeddingUnavailable);
        var refused = await Assert.ThrowsAsync<OutputUnavailableException>(() => classifier.EmbedAsync(Noise(1), false));
        Assert.Contains("global average pool", refused.Message);
        await Assert.ThrowsAsync<OutputUnavailableException>(() => classifier.ExplainAsync(Noise(1), null));
        Assert.Equal(0, classifier.Statistics.Images); // refused before anything ran
        Assert.Single((await classifier.ClassifyAsync(Noise(1), 1)).Predictions); // it still classifies
    }

    [Fact]
    public async Task The_keras_variant_with_its_convolution_biases_is_explained_like_ours()
    {
        var path = Path.Combine(_files.Folder, "keras.onnx");
        RandomResNetModel.Write(path, new ResNetConfig(ResNetArchitecture.ResNet50, 10, ResNetVariant.Keras), FeatureModels.Metadata64(), seed: 3);
        await using var classifier = Classifier(path);

        using var explanation = await classifier.ExplainAsync(Noise(8), null);

        Assert.Equal([2048, 2, 2], classifier.Info.Features.FeatureMapShape);
        Assert.Equal((2, 2), (explanation.Map.Width, explanation.Map.Height));
    }

    [Fact]
    public async Task The_SIGNS_head_is_not_a_global_pool_and_the_model_says_so()
    {
        var path = Path.Combine(_files.Folder, "avgpool2.onnx");
        var config = new ResNetConfig(ResNetArchitecture.ResNet18, 10, Head: ResNetHead.AveragePool2, ImageSize: 64);
        RandomResNetModel.Write(path, config, FeatureModels.Metadata64(), seed: 4, imageSize: 64);
        await using var classifier = Classifier(path);

        Assert.False(classifier.Info.Features.CanExplain);
        Assert.Contains("not a global average pool", classifier.Info.Features.ExplanationUnavailable);
        await Assert.ThrowsAsync<OutputUnavailableException>(() => classifier.EmbedAsync(Noise(9), false));
        Assert.Equal(10, (await classifier.ClassifyAsync(Noise(9), 10)).Predictions.Count);
    }

    [Fact]
    public async Task Scores_are_the_same_with_and_without_the_extra_outputs()
    {
        var path = _files.Write("same-scores", FeatureModels.Metadata64());
        await using var classifier = Classifier(path);
        var row = Row(Noise(6), classifier.Info.Preprocessing);

        var plain = (await classifier.InferAsync([row]))[0];
        var withExtras = (await classifier.InferAsync([row], ExtraOutputs.Embedding | ExtraOutputs.FeatureMap))[0];

        // The file as it is, straight through ONNX Runtime.
        using var session = new InferenceSession(path);
        using var tensor = OrtValue.CreateTensorValueFromMemory(row, [1, 3, 64, 64]);
        using var results = session.Run(new RunOptions(), [session.InputNames[0]], [tensor], session.OutputNames);
        var expected = results[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(expected, plain, (a, b) => Math.Abs(a - b) < 1e-4);
        Assert.Equal(expected, withExtras.Output, (a, b) => Math.Abs(a - b) < 1e-4);
        Assert.Single(session.OutputNames); // the file itself was not changed
    }
}
