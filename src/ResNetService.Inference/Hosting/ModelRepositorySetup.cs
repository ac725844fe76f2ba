using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Images;
using ResNetService.Inference.Model;
using ResNetService.Inference.Repository;

namespace ResNetService.Inference.Hosting;

public static class ModelRepositorySetup
{
    /// <summary>
    /// Registers the <see cref="ModelRepository"/> of every served model (the default model of the <c>Model</c> section
    /// and the models of <c>ModelRepository:Root</c>, or of <c>ModelRepository:ModelDir</c>) and <see cref="ModelRepositoryLoader"/>, which loads the default
    /// model while the host starts and keeps every model in step with its files. Binds and validates at start the
    /// sections <c>Model</c>, <c>Batching</c>, <c>ImageLimits</c>, <c>ImageDecoding</c>, <c>ModelRepository</c> and <c>Memory</c> (the
    /// <see cref="Memory.MemoryBudget"/> that sessions, request bodies and decodes share) of <paramref name="configuration"/>.
    /// </summary>
    public static IServiceCollection AddModelRepository(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModelOptions>().Bind(configuration.GetSection(ModelOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BatchingOptions>().Bind(configuration.GetSection(BatchingOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ImageLimits>().Bind(configuration.GetSection(ImageLimits.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ImageDecoding>().Bind(configuration.GetSection(ImageDecoding.SectionName));
        services.AddOptions<ModelRepositoryOptions>().Bind(configuration.GetSection(ModelRepositoryOptions.SectionName)).ValidateOnStart();
        // Data annotations check the flat properties; each validator the rest of its type, nested sections included.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchingOptions>, BatchingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelRepositoryOptions>, ModelRepositoryOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ModelOptions>, ModelPathsFromContentRoot>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ModelRepositoryOptions>, RepositoryRootFromContentRoot>());
        // After the content-root ones: a model folder (KServe's /mnt/models) takes the place of Model:Path or Root.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ModelOptions>, ModelDirAsDefaultModel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ModelRepositoryOptions>, ModelDirAsRepository>());

        services.AddSingleton(provider => new ModelRepository(provider.GetRequiredService<IOptions<ModelRepositoryOptions>>().Value.StrictReadiness));
        services.TryAddSingleton<IClassifierFactory, ClassifierFactory>();
        services.AddSingleton<ModelRepositoryLoader>(); // also the model control API's way in
        services.AddHostedService(provider => provider.GetRequiredService<ModelRepositoryLoader>());
        services.AddMemoryBudget(configuration);
        return services;
    }
}
