using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;

namespace ResNetService.Api.V2;

public static class V2Setup
{
    /// <summary>
    /// Binds and validates <see cref="V2Options"/>. The V2 routes find models in the same model repository as the REST
    /// routes (registered by <c>AddModelRepository</c>).
    /// </summary>
    public static IServiceCollection AddV2(this IServiceCollection services)
    {
        services.AddOptions<V2Options>()
            .BindConfiguration(V2Options.SectionName)
            .ValidateDataAnnotations()
            // A request's rows are queued all at once, so they must fit in the queue even when it is empty.
            .Validate<IOptions<BatchingOptions>>(
                (v2, batching) => v2.MaxBatchSize <= batching.Value.QueueCapacity,
                $"{V2Options.SectionName}:{nameof(V2Options.MaxBatchSize)} must not exceed " +
                $"{BatchingOptions.SectionName}:{nameof(BatchingOptions.QueueCapacity)}: a request's rows are queued all at once.")
            .ValidateOnStart();
        return services;
    }
}
