using Microsoft.Extensions.Diagnostics.HealthChecks;
using ResNetService.Inference.Classification;

namespace ResNetService.Api.Health;

/// <summary>Ready once the model is loaded and its warm-up batch has run; reports the model and where it runs.</summary>
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
        return Task.FromResult(HealthCheckResult.Healthy("The model is loaded and warmed up.", new Dictionary<string, object>
        {
            ["model"] = info.Name,
            ["executionProvider"] = info.ExecutionProvider,
            ["queueLength"] = statistics.QueueLength,
        }));
    }
}
