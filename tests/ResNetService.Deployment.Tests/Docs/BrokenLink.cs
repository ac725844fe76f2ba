namespace ResNetService.Deployment.Tests.Docs;

/// <summary>A relative link that leads nowhere: the file it is in (relative to the checked folder), its line, why.</summary>
public sealed record BrokenLink(string File, int Line, string Url, string Reason)
{
    public override string ToString() => $"{File}:{Line}: ({Url}) {Reason}";
}
