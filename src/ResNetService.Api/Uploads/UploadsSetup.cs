using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;

namespace ResNetService.Api.Uploads;

public static class UploadsSetup
{
    /// <summary>Binds and validates <see cref="UploadLimits"/>, and gives Kestrel the same body limit.</summary>
    public static IServiceCollection AddUploads(this IServiceCollection services)
    {
        services.AddOptions<UploadLimits>()
            .BindConfiguration(UploadLimits.SectionName)
            .ValidateDataAnnotations()
            // A batch request is queued all at once, so it must fit in the queue even when the queue is empty.
            .Validate<IOptions<BatchingOptions>>(
                (uploads, batching) => uploads.MaxFilesPerBatch <= batching.Value.QueueCapacity,
                $"{UploadLimits.SectionName}:{nameof(UploadLimits.MaxFilesPerBatch)} must not exceed " +
                $"{BatchingOptions.SectionName}:{nameof(BatchingOptions.QueueCapacity)}: a batch request is queued all at once.")
            .ValidateOnStart();

        // Kestrel's options are built while the app is composed, before start-up validation reports a bad value
        // clearly: read the limit unvalidated here, and leave Kestrel's default when it is unusable.
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, configuration) =>
        {
            if (long.TryParse(configuration[$"{UploadLimits.SectionName}:{nameof(UploadLimits.MaxRequestBytes)}"], out var configured))
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
