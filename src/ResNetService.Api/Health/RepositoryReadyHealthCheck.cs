using Microsoft.Extensions.Diagnostics.HealthChecks;
using ResNetService.Api.Models;
using ResNetService.Inference.Repository;

namespace ResNetService.Api.Health;

/// <summary>
/// The repository's share of readiness: unhealthy while <see cref="ModelRepository.IsReady"/> is false (models found at
/// start still loading, the default model without a serving version, or in strict mode any model without one). A model
/// that cannot serve otherwise makes it degraded, which still answers 200: one bad file never takes a replica out of its
/// load balancer. Reports each model's state, so a failed one is named.
/// </summary>
public sealed class RepositoryReadyHealthCheck(ModelRepository repository) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var models = repository.Models;
        var data = models.ToDictionary(
            model => model.Name,
            model => (object)(model.Reason ?? string.Join(", ", model.Versions
                .Where(version => version.Selected || version.Current is not null)
                .Select(version => $"{version.Version}: {ModelVersionResponse.StateName(version.State)}{(version.Reason is null ? "" : $" ({version.Reason})")}"))));
        var failing = models.Where(model => !model.IsReady).Select(model => model.Name).ToList();
        // The rule itself is the repository's; this check only words it.
        var result =
            !repository.Scanned ? HealthCheckResult.Unhealthy("The models found at start are still loading.", data: data)
            : !repository.IsReady ? HealthCheckResult.Unhealthy($"Not serving: {string.Join(", ", failing)}.", data: data)
            : failing.Count == 0 ? HealthCheckResult.Healthy($"{models.Count} model(s) serve.", data)
            : HealthCheckResult.Degraded($"Not serving: {string.Join(", ", failing)}; the other models serve.", data: data);
        return Task.FromResult(result);
    }
}
