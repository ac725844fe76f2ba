using System.Net;

namespace ResNetService.Api.Proxies;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> the service believes (configuration section <c>ForwardedHeaders</c>).
/// Empty by default: the client address is then the connection's, whatever a request claims.
/// </summary>
public sealed class TrustedProxies
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, e.g. <c>172.30.0.10</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public IEnumerable<string> Problems()
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return $"{SectionName}:{nameof(KnownProxies)} has '{proxy}', which is not an IP address.";
        }

        foreach (var network in KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return $"{SectionName}:{nameof(KnownNetworks)} has '{network}', which is not a network in CIDR notation (e.g. 10.0.0.0/8).";
        }
    }
}
