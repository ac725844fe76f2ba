using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ResNetService.Api.Shutdown;

/// <summary>Not ready from the moment the service is asked to stop, so that load balancers stop sending to it.</summary>
public sealed class ShutdownHealthCheck(GracefulShutdown shutdown) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(shutdown.IsStopping
            ? HealthCheckResult.Unhealthy("The service is shutting down: it answers what it has accepted and will soon accept no more.")
            : HealthCheckResult.Healthy("The service is not shutting down."));
}
