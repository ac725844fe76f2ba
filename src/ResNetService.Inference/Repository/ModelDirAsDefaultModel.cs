using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Model;

namespace ResNetService.Inference.Repository;

/// <summary>
/// Makes the one model file of <see cref="ModelRepositoryOptions.ModelDir"/> the default model (in place of
/// <c>Model:Path</c>). Its name is <c>Model:Name</c> when set, as KServe's runtime sets it to the InferenceService's.
/// The folder is read from configuration, not from the repository options, so that the default model's options do not
/// depend on the repository's validation (which reports an unusable folder itself).
/// </summary>
/// <param name="configuration">Absent in a bare service collection: the setting is then not used.</param>
/// <param name="environment">Absent in a bare service collection (no host): a relative folder then stays as configured.</param>
public sealed class ModelDirAsDefaultModel(IConfiguration? configuration = null, IHostEnvironment? environment = null)
    : IPostConfigureOptions<ModelOptions>
{
    public static readonly string SettingKey = $"{ModelRepositoryOptions.SectionName}:{nameof(ModelRepositoryOptions.ModelDir)}";

    public void PostConfigure(string? name, ModelOptions options)
    {
        var modelDir = configuration?[SettingKey];
        if (string.IsNullOrWhiteSpace(modelDir))
        {
            return;
        }

        if (environment is not null && !Path.IsPathRooted(modelDir))
        {
            modelDir = Path.Combine(environment.ContentRootPath, modelDir);
        }

        if (ModelDirContent.Read(modelDir) is { Kind: ModelDirKind.SingleModel } content)
        {
            options.Path = content.ModelFile!;
        }
    }
}
