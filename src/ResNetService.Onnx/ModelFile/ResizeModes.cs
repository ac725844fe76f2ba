namespace ResNetService.Onnx.ModelFile;

/// <summary>Values of <see cref="PreprocessingSettings.ResizeMode"/> and of the <c>resize_mode</c> model metadata.</summary>
public static class ResizeModes
{
    /// <summary>Scale the shorter side to <c>resize_size</c>, then cut the centre <c>image_size</c> square (ImageNet style).</summary>
    public const string ShorterSideThenCrop = "shorter_side_crop";

    /// <summary>Stretch the whole image to <c>image_size</c> x <c>image_size</c>, ignoring aspect ratio.</summary>
    public const string Direct = "direct";
}
