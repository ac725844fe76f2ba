namespace ResNetService.Inference.Images;

/// <summary>
/// What <see cref="ImageDecoder.Decode"/> will make of an image, told from its header alone
/// (<see cref="ImageDecoder.Plan"/>): its size, the size it is decoded at (smaller for JPEG and WebP when the
/// preprocessing allows), whether its EXIF orientation turns it (an upright copy), and the file's length.
/// </summary>
public sealed record DecodePlan(int Width, int Height, int DecodeWidth, int DecodeHeight, bool Turns, long EncodedBytes);
