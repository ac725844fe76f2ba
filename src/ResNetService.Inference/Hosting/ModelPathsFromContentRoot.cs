using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Model;

namespace ResNetService.Inference.Hosting;

/// <summary>
/// Takes the relative paths of <see cref="ModelOptions"/> from the content root, where configuration means them, not
/// from the process's current directory. It changes only the paths, in place, so no other option can be lost on the way.
/// </summary>
/// <param name="environment">Absent in a bare service collection (no host): paths then stay as configured.</param>
public sealed class ModelPathsFromContentRoot(IHostEnvironment? environment = null) : IPostConfigureOptions<ModelOptions>
{
    public void PostConfigure(string? name, ModelOptions options)
    {
        if (environment is null)
        {
            return;
        }

        // A blank path stays blank, so that validation (which runs after this) still reports it as missing.
        if (!string.IsNullOrWhiteSpace(options.Path))
        {
            options.Path = FromContentRoot(options.Path)!;
        }

        options.LabelsPath = FromContentRoot(options.LabelsPath);
        options.ImageNetLabelsPath = FromContentRoot(options.ImageNetLabelsPath);
    }

    private string? FromContentRoot(string? path) =>
        path is null || Path.IsPathRooted(path) ? path : Path.Combine(environment!.ContentRootPath, path);
}
