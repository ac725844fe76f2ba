namespace ResNetService.Trainer.Data;

/// <summary>A data set ready for training: both splits at one image size, the class names, and how pixels were made.</summary>
/// <param name="Name">Data set name recorded in checkpoints and the ONNX metadata, e.g. "fashion-mnist".</param>
/// <param name="Classes">Class names in label order.</param>
/// <param name="ColorMode">"grayscale" when the source had one channel (copied to three), else "rgb".</param>
/// <param name="ResizeMode">How the source images were brought to the square size (a <c>ResizeModes</c> value).</param>
public sealed record TrainingData(
    string Name,
    IReadOnlyList<string> Classes,
    ImageSet Train,
    ImageSet Test,
    string ColorMode,
    string ResizeMode)
{
    public int ImageSize => Train.ImageSize;
}
