namespace ResNetService.Onnx.ModelFile;

/// <summary>Values of <see cref="PreprocessingSettings.ColorMode"/> and of the <c>color_mode</c> model metadata.</summary>
public static class ColorModes
{
    /// <summary>Three colour channels, red first.</summary>
    public const string Rgb = "rgb";

    /// <summary>Trained on grayscale copied to three channels: colour input is turned to gray first.</summary>
    public const string Grayscale = "grayscale";
}
