using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ResNetService.Api.Uploads;

public static class UploadsSetup
{
    /// <summary>Binds and validates <see cref="UploadLimits"/>, and gives Kestrel the same body limit.</summary>
    public static IServiceCollection AddUploads(this IServiceCollection services)
    {
        services.AddOptions<UploadLimits>()
            .BindConfiguration(UploadLimits.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<UploadLimits>>((kestrel, limits) =>
                kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBytes);
        services.AddSingleton<ImageUploadReader>();
        return services;
    }
}
