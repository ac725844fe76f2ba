using System.Globalization;
using ResNetService.Inference.Batching;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Serving;
using ResNetService.Trainer.Data;
using SkiaSharp;
using Xunit.Abstractions;

namespace ResNetService.Trainer.Tests.Served;

/// <summary>
/// Scaled JPEG decoding on the shipped model: the first 300 Fashion-MNIST test images, enlarged to 640x480 JPEGs (as a
/// photo is larger than the 48x48 the model sees), are classified with scaled decoding on (the default, at 1/8 here) and
/// off; it may not cost more than a point of accuracy. <c>SERVED_IMAGES=10000</c> runs the whole test split (the
/// figures in docs/serving.md); both accuracies and the largest change of a probability are written to the test's output.
/// </summary>
[Collection(FashionMnistTestSplit.Collection)]
public sealed class ScaledDecodingTests(ITestOutputHelper output)
{
    private static readonly int Images = FashionMnistTestSplit.Images(fallback: 300);
    private static readonly string Model = Path.Combine(FashionMnistTestSplit.Models, "model.onnx");

    [Fact]
    public async Task Scaled_decoding_of_enlarged_test_images_keeps_the_shipped_models_accuracy()
    {
        var test = FashionMnistTestSplit.Load();
        await using var scaled = Classifier(scaled: true);
        await using var whole = Classifier(scaled: false);

        int rightScaled = 0, rightWhole = 0;
        var largestChange = 0f;
        for (var image = 0; image < Images; image++)
        {
            var jpeg = EnlargedJpeg(test, image);
            var a = await scaled.ClassifyAsync(jpeg, scaled.Info.Classes);
            var b = await whole.ClassifyAsync(jpeg, whole.Info.Classes);
            rightScaled += a.Predictions[0].Index == test.Labels[image] ? 1 : 0;
            rightWhole += b.Predictions[0].Index == test.Labels[image] ? 1 : 0;
            var probabilities = b.Predictions.ToDictionary(p => p.Index, p => p.Probability);
            largestChange = Math.Max(largestChange, a.Predictions.Max(p => Math.Abs(p.Probability - probabilities[p.Index])));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Images} test images as 640x480 JPEGs: scaled decoding {100.0 * rightScaled / Images:0.00}%, whole {100.0 * rightWhole / Images:0.00}%, largest probability change {largestChange:0.0000}"));
        Assert.True(Math.Abs(rightScaled - rightWhole) <= Math.Max(1, Images / 100), $"scaled {rightScaled}, whole {rightWhole} of {Images}");
        Assert.InRange(rightWhole, 85 * Images / 100, Images); // the shipped model, reading enlarged images as well as small ones
    }

    private static ImageClassifier Classifier(bool scaled) =>
        new(OnnxSession.Load(new ModelLoadSettings { Path = Model, ExecutionProvider = ExecutionProviderPreference.Cpu }),
            new BatchingOptions { QueueTimeout = FashionMnistTestSplit.NoQueueTimeout }, new ImageLimits(), decoding: new ImageDecoding { Scaled = scaled });

    /// <summary>The 28x28 test image stretched to 640x480 (bilinear), as a JPEG of quality 90.</summary>
    private static byte[] EnlargedJpeg(RawImages set, int index)
    {
        using var small = FashionMnistTestSplit.Bitmap(set, index);
        using var large = small.Resize(new SKImageInfo(640, 480, SKColorType.Gray8, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear));
        using var data = large.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
