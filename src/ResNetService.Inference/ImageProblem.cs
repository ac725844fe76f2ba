namespace ResNetService.Inference;

/// <summary>Why an uploaded image was refused. The API maps each kind to one problem-details type and status.</summary>
public enum ImageProblem
{
    /// <summary>The bytes are not any image format we recognise (400).</summary>
    NotAnImage,

    /// <summary>A recognised format whose data is truncated or damaged (400).</summary>
    Corrupt,

    /// <summary>A real image format that is not accepted or cannot be decoded here, e.g. TIFF, HEIC (415).</summary>
    UnsupportedFormat,

    /// <summary>The header announces more pixels than <c>ImageLimits:MaxPixels</c> (413).</summary>
    TooManyPixels,

    /// <summary>The encoded file is larger than <c>ImageLimits:MaxBytes</c> (413).</summary>
    TooManyBytes,
}
