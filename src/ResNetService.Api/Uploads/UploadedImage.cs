namespace ResNetService.Api.Uploads;

/// <summary>The bytes of one uploaded image, and the name the client gave it (the file name, or "body").</summary>
public sealed record UploadedImage(string Name, byte[] Bytes);
