namespace ResNetService.Onnx.ModelFile;

/// <summary>
/// How a decoded image becomes the network's input: a square of <see cref="ImageSize"/> pixels, normalised per
/// channel as <c>(value / 255 - mean) / std</c>, written NCHW with red first.
/// </summary>
/// <param name="ImageSize">Side of the square network input, e.g. 224.</param>
/// <param name="ResizeMode">One of <see cref="ResizeModes"/>.</param>
/// <param name="ResizeSize">Shorter side before the centre crop (ignored by <see cref="ResizeModes.Direct"/>).</param>
/// <param name="Mean">Three per-channel means on the 0..1 scale, RGB order.</param>
/// <param name="Std">Three per-channel standard deviations on the 0..1 scale, RGB order.</param>
/// <param name="ColorMode">One of <see cref="ColorModes"/>.</param>
public sealed record PreprocessingSettings(
    int ImageSize,
    string ResizeMode,
    int ResizeSize,
    IReadOnlyList<float> Mean,
    IReadOnlyList<float> Std,
    string ColorMode)
{
    public const int Channels = 3;

    /// <summary>torchvision's ImageNet evaluation transform: shorter side 256, centre crop 224, ImageNet statistics.</summary>
    public static PreprocessingSettings ImageNet { get; } = new(
        224, ResizeModes.ShorterSideThenCrop, 256, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f], ColorModes.Rgb);

    /// <summary>Floats one image occupies in an NCHW batch: 3 x size x size.</summary>
    public int TensorLength => Channels * ImageSize * ImageSize;

    /// <summary>The ImageNet ratio 256/224 applied to another input size: the usual shorter side before the crop.</summary>
    public static int DefaultResizeSize(int imageSize) => (int)Math.Round(imageSize * 256.0 / 224.0);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (ImageSize is < 1 or > 4096)
        {
            throw new ArgumentException($"Image size must be between 1 and 4096 pixels, not {ImageSize}.");
        }

        if (ResizeMode is not (ResizeModes.ShorterSideThenCrop or ResizeModes.Direct))
        {
            throw new ArgumentException(
                $"Resize mode must be '{ResizeModes.ShorterSideThenCrop}' or '{ResizeModes.Direct}', not '{ResizeMode}'.");
        }

        if (ResizeMode == ResizeModes.ShorterSideThenCrop && (ResizeSize < ImageSize || ResizeSize > 8192))
        {
            throw new ArgumentException(
                $"Resize size must be at least the image size ({ImageSize}) and at most 8192, not {ResizeSize}.");
        }

        if (Mean.Count != Channels || Std.Count != Channels)
        {
            throw new ArgumentException("Mean and std must have exactly three values each (RGB).");
        }

        if (Std.Any(s => !(s > 0) || float.IsInfinity(s)) || Mean.Any(m => !float.IsFinite(m)))
        {
            throw new ArgumentException("Std values must be positive and mean values finite.");
        }

        if (ColorMode is not (ColorModes.Rgb or ColorModes.Grayscale))
        {
            throw new ArgumentException($"Colour mode must be '{ColorModes.Rgb}' or '{ColorModes.Grayscale}', not '{ColorMode}'.");
        }
    }

    /// <summary>True when an image of this size still has every pixel the resize needs (used to pick a decode scale).</summary>
    public bool IsLargeEnough(int width, int height) => ResizeMode == ResizeModes.ShorterSideThenCrop
        ? Math.Min(width, height) >= ResizeSize
        : width >= ImageSize && height >= ImageSize;

    public override string ToString() =>
        $"{ImageSize}px {ResizeMode} (resize {ResizeSize}), mean [{string.Join(", ", Mean)}], std [{string.Join(", ", Std)}], {ColorMode}";
}
