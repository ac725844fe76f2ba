using Microsoft.Extensions.Diagnostics.HealthChecks;
using ResNetService.Inference.Repository;

namespace ResNetService.Api.Health;

/// <summary>
/// Healthy while the default model has a serving version; reports the model, where it runs and, when Auto settled
/// for the CPU, why.
/// </summary>
public sealed class ModelReadyHealthCheck(ModelRepository repository) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ModelLease lease;
        try
        {
            lease = repository.Acquire(null, null);
        }
        catch (Exception e) when (e is Inference.ModelNotReadyException or Inference.ModelNotFoundException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The default model has no serving version: {e.Message}"));
        }

        using (lease)
        {
            var info = lease.Admission.Info;
            var data = new Dictionary<string, object>
            {
                ["model"] = info.Name,
                ["version"] = lease.Version,
                ["executionProvider"] = info.ExecutionProvider,
                ["queueLength"] = lease.Admission.Statistics.QueueLength,
            };
            // Ready on the CPU although CUDA was asked for (Auto): the probe's answer says why, e.g. a missing CUDA library.
            if (info.ExecutionProviderFallbackReason is { } reason)
            {
                data["executionProviderFallbackReason"] = reason;
            }

            return Task.FromResult(HealthCheckResult.Healthy("The default model serves.", data));
        }
    }
}
