using Microsoft.Extensions.Options;
using ResNetService.Inference.Model;

namespace ResNetService.Inference.Repository;

/// <summary>
/// Makes the one model file of <see cref="ModelRepositoryOptions.ModelDir"/> the default model (in place of
/// <c>Model:Path</c>). Its name is <c>Model:Name</c> when set, as KServe's runtime sets it to the InferenceService's.
/// </summary>
public sealed class ModelDirAsDefaultModel(IOptions<ModelRepositoryOptions> repositoryOptions) : IPostConfigureOptions<ModelOptions>
{
    public void PostConfigure(string? name, ModelOptions options)
    {
        var modelDir = repositoryOptions.Value.ModelDir; // already taken from the content root
        if (!string.IsNullOrWhiteSpace(modelDir) && ModelDirContent.Read(modelDir) is { Kind: ModelDirKind.SingleModel } content)
        {
            options.Path = content.ModelFile!;
        }
    }
}
