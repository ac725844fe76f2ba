using Microsoft.AspNetCore.Mvc;

namespace ResNetService.Api.Problems;

/// <summary>
/// One kind of failure a client can see: its status code and a stable <c>type</c> URI and title (RFC 7807).
/// Clients may branch on <see cref="Type"/>; the detail text is for people and may change.
/// </summary>
public sealed record ProblemKind(string Slug, int Status, string Title)
{
    public string Type => $"urn:resnet-service:problem:{Slug}";

    public ProblemDetails ToProblemDetails(string detail) => new()
    {
        Type = Type,
        Title = Title,
        Status = Status,
        Detail = detail,
    };
}
