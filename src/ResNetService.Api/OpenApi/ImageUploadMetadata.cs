namespace ResNetService.Api.OpenApi;

/// <summary>
/// Marks an endpoint that reads images itself (so that it can accept both multipart and a raw body): tells the
/// OpenAPI document what it accepts. Endpoint metadata like <c>Accepts</c> would also restrict routing by content type.
/// </summary>
/// <param name="Field">The multipart field that carries the file(s).</param>
/// <param name="Multiple">Whether the field may carry several files.</param>
/// <param name="RawBody">Whether the image may instead be the raw body with an <c>image/*</c> content type.</param>
public sealed record ImageUploadMetadata(string Field, bool Multiple, bool RawBody);
