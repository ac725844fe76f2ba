using Microsoft.Extensions.Diagnostics.HealthChecks;
using ResNetService.Inference.Classification;

namespace ResNetService.Api.Health;

/// <summary>
/// Ready once the model is loaded and its warm-up batch has run; reports the model, where it runs and, when Auto
/// settled for the CPU, why.
/// </summary>
public sealed class ModelReadyHealthCheck(IImageClassifier classifier) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!classifier.IsReady)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The model is loading or warming up."));
        }

        var info = classifier.Info;
        var statistics = classifier.Statistics;
        var data = new Dictionary<string, object>
        {
            ["model"] = info.Name,
            ["executionProvider"] = info.ExecutionProvider,
            ["queueLength"] = statistics.QueueLength,
        };
        // Ready on the CPU although CUDA was asked for (Auto): the probe's answer says why, e.g. a missing CUDA library.
        if (info.ExecutionProviderFallbackReason is { } reason)
        {
            data["executionProviderFallbackReason"] = reason;
        }

        return Task.FromResult(HealthCheckResult.Healthy("The model is loaded and warmed up.", data));
    }
}
