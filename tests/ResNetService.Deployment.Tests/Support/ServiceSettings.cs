using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ResNetService.Api.Hosting;
using ResNetService.Api.Shutdown;
using ResNetService.Api.Proxies;
using ResNetService.Api.RateLimiting;
using ResNetService.Api.Uploads;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Images;
using ResNetService.Inference.Hosting;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Model;
using ResNetService.Inference.Repository;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// Checks environment variables given to the service (in the Dockerfile, compose file and Kubernetes manifests)
/// against its real configuration: each Section__Key must bind to a property of that section's options class,
/// with a value of the right type, so a misspelt name or value cannot be silently ignored; and then the whole
/// configuration (appsettings.json with the variables on top) must pass the service's own start-up validation.
/// </summary>
public static class ServiceSettings
{
    /// <summary>Variables read by the .NET host or the NVIDIA container runtime rather than by the service's options.</summary>
    public static readonly IReadOnlySet<string> PlatformVariables = new HashSet<string>
    {
        "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_RUNNING_IN_CONTAINER",
        "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES",
    };

    /// <summary>
    /// Where the service listens for gRPC: cleartext HTTP/2 on a port of its own, written as Kestrel reads a URL.
    /// Checked here by its form, since no options class binds it.
    /// </summary>
    public const string GrpcUrl = "Grpc__Url";

    private static readonly IReadOnlyDictionary<string, Type> OptionsBySection = new Dictionary<string, Type>
    {
        [ModelOptions.SectionName] = typeof(ModelOptions),
        [ModelRepositoryOptions.SectionName] = typeof(ModelRepositoryOptions),
        [BatchingOptions.SectionName] = typeof(BatchingOptions),
        [ImageLimits.SectionName] = typeof(ImageLimits),
        [UploadLimits.SectionName] = typeof(UploadLimits),
        [ShutdownOptions.SectionName] = typeof(ShutdownOptions),
        [MemoryBudgetOptions.SectionName] = typeof(MemoryBudgetOptions),
        [TrustedProxies.SectionName] = typeof(TrustedProxies),
        [ClientRateLimits.SectionName] = typeof(ClientRateLimits),
    };

    /// <summary>The problems found, one line each; empty when every variable is a real setting with a valid value.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyDictionary<string, string> environment)
    {
        var problems = new List<string>();
        foreach (var (name, value) in environment.Where(v => !PlatformVariables.Contains(v.Key)))
        {
            var key = name.Replace("__", ":");
            var section = key.Split(':')[0];
            var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
            try
            {
                if (key == LoggingSetup.JsonSwitch)
                {
                    configuration.GetValue<bool>(key);
                }
                else if (name == GrpcUrl)
                {
                    if (GrpcPort(value) is null)
                    {
                        problems.Add($"{name}={value}: not http://HOST:PORT (gRPC is cleartext HTTP/2 on a port of its own)");
                    }
                }
                else if (OptionsBySection.TryGetValue(section, out var optionsType))
                {
                    configuration.GetSection(section).Get(optionsType, binder => binder.ErrorOnUnknownConfiguration = true);
                }
                else
                {
                    problems.Add($"{name}: no such setting (sections: {string.Join(", ", OptionsBySection.Keys)}, {LoggingSetup.JsonSwitch}, Grpc:Url)");
                }
            }
            catch (InvalidOperationException error)
            {
                problems.Add($"{name}={value}: {error.Message}");
            }
        }

        return problems.Count > 0 ? problems : ValidationProblems(environment);
    }

    /// <summary>
    /// The port of a gRPC listen address: an http URL (no TLS) with a port of its own and no path, such as
    /// http://*:8081; null for anything else.
    /// </summary>
    public static int? GrpcPort(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return null;
        }

        var explicitPort = url.TrimEnd('/').EndsWith($":{address.Port}", StringComparison.Ordinal);
        return address.Scheme == "http" && !address.IsUnixPipe && address.PathBase.Length == 0 && explicitPort && address.Port > 0
            ? address.Port
            : null;
    }

    /// <summary>The shutdown times the service runs with under these variables (on top of appsettings.json).</summary>
    public static ShutdownOptions Shutdown(IReadOnlyDictionary<string, string> environment) =>
        Configuration(environment).GetSection(ShutdownOptions.SectionName).Get<ShutdownOptions>() ?? new ShutdownOptions();

    /// <summary>What the service's options validation, run at its start, says about these variables.</summary>
    private static IReadOnlyList<string> ValidationProblems(IReadOnlyDictionary<string, string> environment)
    {
        var configuration = Configuration(environment);
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddModelRepository(configuration).AddUploads().AddGracefulShutdown(configuration).AddTrustedProxies().AddClientRateLimiting();
        using var provider = services.BuildServiceProvider();

        Func<object>[] resolvers =
        [
            () => provider.GetRequiredService<IOptions<ModelOptions>>().Value,
            () => provider.GetRequiredService<IOptions<BatchingOptions>>().Value,
            () => provider.GetRequiredService<IOptions<ImageLimits>>().Value,
            () => provider.GetRequiredService<IOptions<UploadLimits>>().Value,
            () => provider.GetRequiredService<IOptions<ShutdownOptions>>().Value,
            () => provider.GetRequiredService<IOptions<MemoryBudgetOptions>>().Value,
            () => provider.GetRequiredService<IOptions<TrustedProxies>>().Value,
            () => provider.GetRequiredService<IOptions<ClientRateLimits>>().Value,
        ];
        var problems = new List<string>();
        foreach (var resolve in resolvers)
        {
            try
            {
                resolve();
            }
            catch (OptionsValidationException error)
            {
                problems.AddRange(error.Failures);
            }
        }

        return problems.Distinct().ToList(); // A section that others depend on reports through them too.
    }

    /// <summary>appsettings.json with the variables on top, as the service reads them.</summary>
    private static IConfigurationRoot Configuration(IReadOnlyDictionary<string, string> environment) =>
        new ConfigurationBuilder()
            .AddJsonFile(Repository.PathOf("src/ResNetService.Api/appsettings.json"))
            .AddInMemoryCollection(environment.Select(v => KeyValuePair.Create(v.Key.Replace("__", ":"), (string?)v.Value)))
            .Build();
}
