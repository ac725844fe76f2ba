using ResNetService.Inference.Images;

namespace ResNetService.Inference.Memory;

/// <summary>
/// The weight of one decode in the <see cref="MemoryBudget"/>: every buffer that decoding and preprocessing hold,
/// summed (they overlap in part, so this is an upper bound). <see cref="ImageDecoder.Decode"/> copies the file for
/// Skia and decodes into an RGBA bitmap (4 bytes a pixel, at the reduced size it chose); an EXIF orientation that
/// turns the image adds an upright copy; the shrinking resize of <c>ImagePreprocessor</c> samples mipmaps, which Skia
/// builds beside the bitmap (a quarter, a sixteenth... of it: a third in all). The float row and the small resized
/// square are not counted. Measured with <c>benchmarks/memory costs</c>: 5.4 to 5.7 bytes a pixel for a 40 MP PNG of
/// 13.2 MB, where this rule gives 5.7.
/// </summary>
public static class DecodeMemory
{
    /// <summary>RGBA, 8 bits a channel: what <see cref="ImageDecoder"/> decodes into.</summary>
    public const int BytesPerPixel = 4;

    public static long Bytes(DecodePlan plan) =>
        Bytes((long)plan.DecodeWidth * plan.DecodeHeight, plan.Turns, plan.EncodedBytes);

    /// <summary>The heaviest decode the limits let through: the most pixels at full size, turned, from the largest file.</summary>
    public static long Largest(ImageLimits limits) => Bytes(limits.MaxPixels, turns: true, limits.MaxBytes);

    private static long Bytes(long pixels, bool turns, long encodedBytes)
    {
        // Limits may be configured as high as long.MaxValue: saturate rather than overflow.
        var bitmap = Math.Min(pixels, long.MaxValue / 16) * BytesPerPixel;
        var mipmaps = bitmap / 3;
        return Math.Min(encodedBytes, long.MaxValue / 4) + bitmap + (turns ? bitmap : 0) + mipmaps;
    }
}
