using ResNetService.Inference.Preprocessing;
using ResNetService.Onnx.ModelFile;
using ResNetService.Trainer.Evaluation;

namespace ResNetService.Trainer.Tests.Evaluation;

/// <summary>The ONNX evaluator's input: the service's normalisation of the data set's already resized pixels.</summary>
public sealed class OnnxInputTests
{
    private const int Size = 8;
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    [Theory]
    [InlineData(ResizeModes.Direct)]
    [InlineData(ResizeModes.ShorterSideThenCrop)]
    public void Pixels_are_normalised_as_they_are_without_a_second_resize(string resizeMode)
    {
        var chw = new byte[3 * Size * Size];
        new Random(5).NextBytes(chw);
        using var input = new OnnxInput(new PreprocessingSettings(Size, resizeMode, 10, Mean, Std, ColorModes.Rgb));
        var tensor = new float[input.Length];

        input.Write(chw, tensor);

        for (var i = 0; i < chw.Length; i++)
        {
            var channel = i / (Size * Size);
            Assert.Equal((chw[i] / 255f - Mean[channel]) / Std[channel], tensor[i], 1e-5f);
        }
    }

    [Fact]
    public void A_grayscale_model_sees_the_services_luma()
    {
        var chw = new byte[3 * Size * Size];
        Array.Fill(chw, (byte)200, 0, Size * Size);
        Array.Fill(chw, (byte)100, Size * Size, Size * Size);
        Array.Fill(chw, (byte)50, 2 * Size * Size, Size * Size);
        using var input = new OnnxInput(new PreprocessingSettings(Size, ResizeModes.Direct, Size, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f], ColorModes.Grayscale));
        var tensor = new float[input.Length];

        input.Write(chw, tensor);

        var gray = (ImagePreprocessor.Luma(200, 100, 50) / 255f - 0.5f) / 0.5f;
        Assert.All(tensor, value => Assert.Equal(gray, value, 1e-5f));
    }
}
