using System.ComponentModel.DataAnnotations;

namespace ResNetService.Inference.Images;

/// <summary>Limits checked before any pixel is decoded (configuration section <c>ImageLimits</c>).</summary>
public sealed class ImageLimits
{
    public const string SectionName = "ImageLimits";

    /// <summary>Most pixels (width x height, from the header) an image may have: 40 megapixels by default.</summary>
    [Range(1, long.MaxValue)]
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>Largest encoded file in bytes: 20 MiB by default.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytes { get; set; } = 20 * 1024 * 1024;
}
