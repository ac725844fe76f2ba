using Microsoft.Extensions.Diagnostics.HealthChecks;
using ResNetService.Api.Models;
using ResNetService.Inference.Repository;

namespace ResNetService.Api.Health;

/// <summary>
/// Ready once every model of the repository has every version its policy chose at start loaded and warmed up, as
/// Triton's strict readiness; reports each model's readiness, so a failed one is named.
/// </summary>
public sealed class RepositoryReadyHealthCheck(ModelRepository repository) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var models = repository.Models;
        var data = models.ToDictionary(
            model => model.Name,
            model => (object)(model.Reason ?? string.Join(", ", model.Versions
                .Where(version => version.Selected)
                .Select(version => $"{version.Version}: {ModelVersionResponse.StateName(version.State)}{(version.Reason is null ? "" : $" ({version.Reason})")}"))));
        return Task.FromResult(repository.IsReady
            ? HealthCheckResult.Healthy($"{models.Count} model(s) ready.", data)
            : HealthCheckResult.Unhealthy("Some models are loading or could not be loaded.", data: data));
    }
}
