using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ResNetService.Inference.Repository;

/// <summary>Takes a relative <see cref="ModelRepositoryOptions.Root"/> from the content root, as the model paths are.</summary>
public sealed class RepositoryRootFromContentRoot(IHostEnvironment? environment = null) : IPostConfigureOptions<ModelRepositoryOptions>
{
    public void PostConfigure(string? name, ModelRepositoryOptions options)
    {
        if (environment is not null && !string.IsNullOrWhiteSpace(options.Root) && !Path.IsPathRooted(options.Root))
        {
            options.Root = Path.Combine(environment.ContentRootPath, options.Root);
        }
    }
}
