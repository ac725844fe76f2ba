namespace ResNetService.Api.Health;

/// <summary>The service's health checks, the default model's and the repository's, tagged for readiness (mapped by <see cref="HealthEndpoints"/>).</summary>
public static class HealthChecksSetup
{
    /// <summary>Checks with this tag decide <c>/health/ready</c>.</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddServiceHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ModelReadyHealthCheck>("model", tags: [ReadyTag])
            .AddCheck<RepositoryReadyHealthCheck>("repository", tags: [ReadyTag]);
        return services;
    }
}
