namespace ResNetService.Trainer.Data;

/// <summary>
/// Images of one fixed size as a file stores them: N x height x width x channels bytes (HWC; 1 channel gray or
/// 3 channels RGB), with one label each. IDX and HDF5 files hold data in this shape.
/// </summary>
public sealed record RawImages(byte[] Pixels, int[] Labels, int Height, int Width, int Channels)
{
    public int Count => Labels.Length;

    public int ImageBytes => Height * Width * Channels;

    /// <summary>Resizes every image to a square of <paramref name="imageSize"/>, three channels.</summary>
    public ImageSet Resize(int imageSize, string resizeMode)
    {
        var set = new ImageSet(new byte[(long)Count * 3 * imageSize * imageSize], Labels, imageSize);
        ParallelLoad.For(Count, i => ImageResizer.Resize(
            Pixels.AsSpan(i * ImageBytes, ImageBytes), Width, Height, Channels,
            set.Pixels.AsSpan(i * set.ImageBytes, set.ImageBytes), imageSize, resizeMode));
        return set;
    }
}
