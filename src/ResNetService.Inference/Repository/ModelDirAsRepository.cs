using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ResNetService.Inference.Repository;

/// <summary>
/// Serves <see cref="ModelRepositoryOptions.ModelDir"/> in place of <see cref="ModelRepositoryOptions.Root"/>: as the
/// repository when it has the repository layout; as nothing more than the default model when it holds one model file
/// (<see cref="ModelDirAsDefaultModel"/> makes that file the default model). An unusable folder changes nothing here:
/// the validator stops start-up with its problem.
/// </summary>
public sealed class ModelDirAsRepository(IHostEnvironment? environment = null) : IPostConfigureOptions<ModelRepositoryOptions>
{
    public void PostConfigure(string? name, ModelRepositoryOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ModelDir))
        {
            return;
        }

        if (environment is not null && !Path.IsPathRooted(options.ModelDir))
        {
            options.ModelDir = Path.Combine(environment.ContentRootPath, options.ModelDir);
        }

        switch (ModelDirContent.Read(options.ModelDir).Kind)
        {
            case ModelDirKind.Repository:
                options.Root = options.ModelDir;
                break;
            case ModelDirKind.SingleModel:
                options.Root = null; // the folder's one model is what is asked for, not the image's own repository
                break;
        }
    }
}
