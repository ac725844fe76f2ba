namespace ResNetService.Inference.Images;

/// <summary>How images are decoded (configuration section <c>ImageDecoding</c>).</summary>
public sealed class ImageDecoding
{
    public const string SectionName = "ImageDecoding";

    /// <summary>
    /// True: a JPEG is decoded at the smallest eighth of its size (libjpeg-turbo scales its inverse DCT) that keeps every
    /// pixel the model's resize needs, which makes decoding and resizing a photo several times cheaper. False: every
    /// image is decoded whole, so that the pixels equal a full decode's (as a training pipeline that decodes whole sees
    /// them), at that cost. Other formats always decode whole.
    /// </summary>
    public bool Scaled { get; set; } = true;
}
