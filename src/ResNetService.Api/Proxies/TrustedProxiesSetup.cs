using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ResNetService.Api.Proxies;

/// <summary>
/// The client address behind a reverse proxy: taken from <c>X-Forwarded-For</c> only when the connection comes from a
/// configured proxy (<see cref="TrustedProxies"/>), else the connection's own. It keys per-client rate limiting.
/// </summary>
public static class TrustedProxiesSetup
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxies>()
            .BindConfiguration(TrustedProxies.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrustedProxies>>(new ProxiesValidator());
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxies>>((options, trusted) =>
        {
            // Only the address: scheme and host stay the connection's. The last address the trusted proxy appended
            // is taken (ForwardLimit 1); whatever the client itself wrote before it is not believed.
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            options.ForwardLimit = 1;
            // The framework trusts loopback by default: nothing is trusted here unless configured.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in trusted.Value.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in trusted.Value.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    /// <summary>First in the pipeline, so that logging and rate limiting see the client's address.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app) => app.UseForwardedHeaders();

    private sealed class ProxiesValidator : IValidateOptions<TrustedProxies>
    {
        public ValidateOptionsResult Validate(string? name, TrustedProxies options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
