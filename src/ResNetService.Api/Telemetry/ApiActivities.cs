using System.Diagnostics;

namespace ResNetService.Api.Telemetry;

/// <summary>The API's own spans (the inference library has its own source): reading an upload out of the request.</summary>
public static class ApiActivities
{
    public const string SourceName = "ResNetService.Api";

    public const string ReadUpload = "read upload";

    internal static readonly ActivitySource Source = new(SourceName, typeof(ApiActivities).Assembly.GetName().Version?.ToString());
}
