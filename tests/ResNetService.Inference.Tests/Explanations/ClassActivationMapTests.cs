using Microsoft.ML.OnnxRuntime;
using ResNetService.Inference.Batching;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Explanations;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Preprocessing;
using ResNetService.Inference.Serving;
using ResNetService.Inference.Tests.Features;
using SkiaSharp;

namespace ResNetService.Inference.Tests.Explanations;

public class ClassActivationMapTests : IClassFixture<ModelFiles>
{
    private readonly ModelFiles _files;

    public ClassActivationMapTests(ModelFiles files) => _files = files;

    private ImageClassifier Classifier(string name)
    {
        var path = _files.Write(name, FeatureModels.Metadata64());
        var model = OnnxSession.Load(new ModelLoadSettings { Path = path, ExecutionProvider = ExecutionProviderPreference.Cpu });
        return new ImageClassifier(model, new BatchingOptions(), new ImageLimits());
    }

    private static byte[] Noise(int seed)
    {
        using var image = TestImages.Noise(80, 64, seed);
        return TestImages.Png(image);
    }

    [Fact]
    public async Task The_map_equals_the_fc_weights_applied_by_hand_to_the_feature_map()
    {
        await using var classifier = Classifier("by-hand");
        var image = Noise(11);

        using var explanation = await classifier.ExplainAsync(image, classIndex: 3);

        // The feature map straight from ONNX Runtime, on a copy of the file that outputs it (made here, not by the service).
        var exposed = FeatureModels.Save(FeatureModels.WithOutputs(FeatureModels.Read(classifier.Info.FilePath), declare: false, FeatureModels.FeatureMap),
            Path.Combine(_files.Folder, "by-hand-exposed.onnx"));
        var settings = classifier.Info.Preprocessing;
        using var bitmap = ImageDecoder.Decode(image, new ImageLimits(), settings);
        var row = new float[settings.TensorLength];
        ImagePreprocessor.WriteTensor(bitmap, settings, row);
        using var session = new InferenceSession(exposed);
        using var tensor = OrtValue.CreateTensorValueFromMemory(row, [1, 3, 64, 64]);
        using var results = session.Run(new RunOptions(), [session.InputNames[0]], [tensor], ["logits", FeatureModels.FeatureMap]);
        var logits = results[0].GetTensorDataAsSpan<float>().ToArray();
        var featureMap = results[1].GetTensorDataAsSpan<float>().ToArray();

        // The fc weights as the file holds them: fc.weight is [classes, channels].
        var fc = FeatureModels.Read(exposed).Graph.Initializer.Single(t => t.Name == "fc.weight");
        var bias = FeatureModels.Floats(FeatureModels.Read(exposed).Graph.Initializer.Single(t => t.Name == "fc.bias"));
        var weights = FeatureModels.Floats(fc);
        var (channels, plane) = (512, 4);
        Assert.Equal((2, 2), (explanation.Map.Width, explanation.Map.Height));
        for (var position = 0; position < plane; position++)
        {
            var byHand = 0.0;
            for (var k = 0; k < channels; k++)
            {
                byHand += weights[3 * channels + k] * featureMap[k * plane + position];
            }

            Assert.Equal(byHand, explanation.Map.Values[position], 1e-3);
        }

        // The map's mean plus the class's bias is the class's logit: the map splits the score over the positions.
        Assert.Equal(logits[3], explanation.Map.Values.Average() + bias[3], 1e-3);
        Assert.Equal(3, explanation.Class.Index);
        Assert.Equal(ModelFiles.TenLabels[3], explanation.Class.Label);
    }

    [Fact]
    public async Task Without_a_class_the_top_class_is_explained()
    {
        await using var classifier = Classifier("top-class");
        var image = Noise(12);

        var top = (await classifier.ClassifyAsync(image, 1)).Predictions[0];
        using var explanation = await classifier.ExplainAsync(image, classIndex: null);

        Assert.Equal(top.Index, explanation.Class.Index);
        Assert.Equal(top.Probability, explanation.Class.Probability, 1e-5f);
    }

    [Fact]
    public async Task The_overlay_is_a_png_of_the_view_with_the_heatmap_over_it()
    {
        await using var classifier = Classifier("overlay");
        using var explanation = await classifier.ExplainAsync(Noise(13), null);

        var png = explanation.ToPng();
        using var decoded = SKBitmap.Decode(png);

        Assert.Equal(ImageClassifier.ExplanationViewSize, decoded.Width);
        Assert.Equal(ImageClassifier.ExplanationViewSize, decoded.Height);
        Assert.Equal(ImageClassifier.ExplanationViewSize, explanation.View.Width);
        // Where the map is highest the overlay is redder than the view, where lowest bluer.
        var values = explanation.Map.Values;
        var (hot, cold) = (Array.IndexOf(values, values.Max()), Array.IndexOf(values, values.Min()));
        SKPointI Centre(int cell) => new((cell % 2 * 2 + 1) * decoded.Width / 4, (cell / 2 * 2 + 1) * decoded.Height / 4);
        var (hotPixel, hotView) = (decoded.GetPixel(Centre(hot).X, Centre(hot).Y), explanation.View.GetPixel(Centre(hot).X, Centre(hot).Y));
        var (coldPixel, coldView) = (decoded.GetPixel(Centre(cold).X, Centre(cold).Y), explanation.View.GetPixel(Centre(cold).X, Centre(cold).Y));
        Assert.True(hotPixel.Red - hotPixel.Blue > hotView.Red - hotView.Blue, $"{hotPixel} over {hotView}");
        Assert.True(coldPixel.Blue - coldPixel.Red > coldView.Blue - coldView.Red, $"{coldPixel} over {coldView}");
    }

    [Fact]
    public async Task An_unknown_class_is_refused_before_the_model_runs()
    {
        await using var classifier = Classifier("unknown-class");

        await Assert.ThrowsAsync<UnknownClassException>(() => classifier.ExplainAsync(Noise(1), classIndex: 10));
        await Assert.ThrowsAsync<UnknownClassException>(() => classifier.ExplainAsync(Noise(1), classIndex: -1));
        Assert.Equal(0, classifier.Statistics.Images);
    }

    [Fact]
    public void A_flat_map_normalises_to_zeros_and_colours_run_from_blue_to_red()
    {
        var flat = new ClassActivationMap(2, 1, [3f, 3f]);

        Assert.Equal([0f, 0f], flat.Normalized());
        Assert.Equal(new SKColor(0, 0, 255), HeatmapOverlay.Colour(0));
        Assert.Equal(new SKColor(255, 0, 0), HeatmapOverlay.Colour(1));
        Assert.Equal([0f, 0.5f, 1f], new ClassActivationMap(3, 1, [-1f, 0f, 1f]).Normalized());
    }
}
