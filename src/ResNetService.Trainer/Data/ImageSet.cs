namespace ResNetService.Trainer.Data;

/// <summary>
/// Images already resized to one square size, held as bytes: N x 3 x size x size (CHW, RGB, 0..255), so a whole
/// data set fits in memory a quarter the size of floats and a batch is one copy of whole images.
/// </summary>
public sealed class ImageSet
{
    public ImageSet(byte[] pixels, int[] labels, int imageSize)
    {
        if (pixels.Length != (long)labels.Length * 3 * imageSize * imageSize)
        {
            throw new ArgumentException($"{pixels.Length} bytes do not hold {labels.Length} images of 3x{imageSize}x{imageSize}.");
        }

        Pixels = pixels;
        Labels = labels;
        ImageSize = imageSize;
    }

    public byte[] Pixels { get; }

    public int[] Labels { get; }

    public int ImageSize { get; }

    public int Count => Labels.Length;

    /// <summary>Bytes of one image (3 x size x size).</summary>
    public int ImageBytes => 3 * ImageSize * ImageSize;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageBytes, ImageBytes);

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public ImageSet Subset(IReadOnlyList<int> indices)
    {
        var pixels = new byte[(long)indices.Count * ImageBytes];
        var labels = new int[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * ImageBytes));
            labels[i] = Labels[indices[i]];
        }

        return new ImageSet(pixels, labels, ImageSize);
    }
}
