using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ResNetService.Api.Health;

namespace ResNetService.Api.Shutdown;

public static class ShutdownSetup
{
    /// <summary>
    /// Registers the graceful stop (<see cref="GracefulShutdown"/>), its readiness check and request counting, binds the
    /// <c>Shutdown</c> section, and gives the host a shutdown time that covers the accept delay and the drain. Call it
    /// after <c>AddModelRepository</c>: hosted services stop in reverse order, so the models unload after it.
    /// </summary>
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ShutdownOptions>().Bind(configuration.GetSection(ShutdownOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShutdownOptions>, ShutdownOptionsValidator>());
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>(UseShutdownTimeout);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RequestsInFlight>();
        services.AddTransient<IStartupFilter, RequestsInFlightStartupFilter>();
        services.AddSingleton<GracefulShutdown>();
        services.AddHostedService(provider => provider.GetRequiredService<GracefulShutdown>());
        services.AddHealthChecks().AddCheck<ShutdownHealthCheck>("shutdown", tags: [HealthChecksSetup.ReadyTag]);
        return services;
    }

    private static void UseShutdownTimeout(HostOptions host, IOptions<ShutdownOptions> shutdown)
    {
        try
        {
            host.ShutdownTimeout = shutdown.Value.HostShutdownTimeout;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            // The host reads its options while it is built, before the try around app.Run(): a bad value is left to
            // ValidateOnStart, which reports it at start as one clear line.
        }
    }
}
