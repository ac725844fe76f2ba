using System.ComponentModel.DataAnnotations;

namespace ResNetService.Api.RateLimiting;

/// <summary>
/// Optional per-client rate limiting of the inference routes (configuration section <c>RateLimiting</c>): a token
/// bucket per client address, as ASP.NET Core's rate limiter keeps it. Off by default.
/// </summary>
public sealed class ClientRateLimits
{
    public const string SectionName = "RateLimiting";

    public bool Enabled { get; set; }

    /// <summary>Requests a client may send at once (the bucket's size): its burst.</summary>
    [Range(1, 1_000_000)]
    public int TokenLimit { get; set; } = 20;

    /// <summary>Requests added to each client's bucket every <see cref="ReplenishmentPeriod"/>: its sustained rate.</summary>
    [Range(1, 1_000_000)]
    public int TokensPerPeriod { get; set; } = 10;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests over the limit that wait for a token instead of getting 429 (0: none wait).</summary>
    [Range(0, 10_000)]
    public int QueueLimit { get; set; }
}
