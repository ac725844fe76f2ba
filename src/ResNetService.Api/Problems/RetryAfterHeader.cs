using System.Globalization;

namespace ResNetService.Api.Problems;

/// <summary>The Retry-After header of a refusal: whole seconds, rounded up, at least one (RFC 9110 has no fractions).</summary>
public static class RetryAfterHeader
{
    public static void Set(HttpResponse response, TimeSpan retryAfter) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
