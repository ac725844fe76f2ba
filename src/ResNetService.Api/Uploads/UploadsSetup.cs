using Microsoft.AspNetCore.Server.Kestrel.Core;

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

        // Kestrel's options are built while the app is composed, before start-up validation reports a bad value
        // clearly: read the limit unvalidated here, and leave Kestrel's default when it is unusable.
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, configuration) =>
        {
            if (long.TryParse(configuration[$"{UploadLimits.Section}:{nameof(UploadLimits.MaxRequestBytes)}"], out var configured))
            {
                kestrel.Limits.MaxRequestBodySize = configured > 0 ? configured : null;
            }
            else
            {
                kestrel.Limits.MaxRequestBodySize = new UploadLimits().MaxRequestBytes;
            }
        });
        services.AddSingleton<ImageUploadReader>();
        return services;
    }
}
