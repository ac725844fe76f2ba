using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Images;
using ResNetService.Inference.Repository;

namespace ResNetService.Inference.Hosting;

public static class ImageClassifierSetup
{
    /// <summary>
    /// Registers <see cref="IImageClassifier"/> (a singleton, the default model) and the hosted service that loads and
    /// warms it up at start, and the <see cref="ModelRepository"/> of every served model with its loader. Binds and
    /// validates at start the sections <c>Model</c>, <c>Batching</c>, <c>ImageLimits</c>, <c>ModelRepository</c> and
    /// <c>Memory</c> (the <see cref="Memory.MemoryBudget"/> that sessions, request bodies and decodes share) of <paramref name="configuration"/>.
    /// </summary>
    public static IServiceCollection AddImageClassifier(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModelOptions>().Bind(configuration.GetSection(ModelOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BatchingOptions>().Bind(configuration.GetSection(BatchingOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ImageLimits>().Bind(configuration.GetSection(ImageLimits.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        // Data annotations check the flat properties; each validator the rest of its type, nested sections included.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchingOptions>, BatchingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ModelOptions>, ModelPathsFromContentRoot>());

        services.AddSingleton<ImageClassifierHost>();
        services.AddSingleton<IImageClassifier>(provider => provider.GetRequiredService<ImageClassifierHost>());
        services.AddHostedService<ModelLoaderService>();

        // The repository: the default model above plus the models of ModelRepository:Root, loaded after it.
        services.AddOptions<ModelRepositoryOptions>().Bind(configuration.GetSection(ModelRepositoryOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ModelRepositoryOptions>, RepositoryRootFromContentRoot>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelRepositoryOptions>, ModelRepositoryOptionsValidator>());
        services.AddSingleton<ModelRepository>();
        services.AddHostedService<ModelRepositoryLoader>();
        services.AddMemoryBudget(configuration);
        return services;
    }
}
