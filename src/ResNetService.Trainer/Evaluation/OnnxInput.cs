using ResNetService.Inference.Preprocessing;
using ResNetService.Onnx.ModelFile;
using SkiaSharp;

namespace ResNetService.Trainer.Evaluation;

/// <summary>
/// Writes data-set images into an ONNX model's input with the service's <see cref="ImagePreprocessor"/>, so that
/// evaluate scores the very floats the service would feed the model, not a copy of its arithmetic.
/// </summary>
internal sealed class OnnxInput : IDisposable
{
    private readonly PreprocessingSettings _settings;
    private readonly SKBitmap _square;

    public OnnxInput(PreprocessingSettings settings)
    {
        // The data set was brought to the model's square by the service's own resize when it was loaded; at the same
        // size a direct resize copies the pixels, so only the service's colour handling and normalisation act here.
        _settings = settings with { ResizeMode = ResizeModes.Direct };
        _square = new SKBitmap(new SKImageInfo(settings.ImageSize, settings.ImageSize, SKColorType.Rgba8888, SKAlphaType.Opaque));
    }

    public int Length => _settings.TensorLength;

    /// <summary>One image of an <see cref="Data.ImageSet"/> (3 x size x size bytes, CHW) into one row of the input batch.</summary>
    public void Write(ReadOnlySpan<byte> chw, Span<float> destination)
    {
        var rgba = _square.GetPixelSpan();
        var plane = _settings.ImageSize * _settings.ImageSize;
        for (var p = 0; p < plane; p++)
        {
            rgba[4 * p] = chw[p];
            rgba[4 * p + 1] = chw[plane + p];
            rgba[4 * p + 2] = chw[2 * plane + p];
            rgba[4 * p + 3] = 255;
        }

        ImagePreprocessor.WriteTensor(_square, _settings, destination);
    }

    public void Dispose() => _square.Dispose();
}
