using Microsoft.Extensions.Options;
using ResNetService.Inference.Model;
using ResNetService.Onnx.ModelFile;

namespace ResNetService.Inference.Hosting;

/// <summary>
/// Checks of <see cref="ModelOptions"/> that data annotations cannot express, and every check of the nested
/// <see cref="PreprocessingOverrides"/>: <c>ValidateDataAnnotations</c> looks only at the top-level properties, so the
/// nested section is checked here and only here.
/// </summary>
public sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        var failures = new List<string>();
        var p = options.Preprocessing;
        if (p.ResizeMode is not (null or ResizeModes.ShorterSideThenCrop or ResizeModes.Direct))
        {
            failures.Add($"Model:Preprocessing:ResizeMode must be '{ResizeModes.ShorterSideThenCrop}' or '{ResizeModes.Direct}'.");
        }

        if (p.ColorMode is not (null or ColorModes.Rgb or ColorModes.Grayscale))
        {
            failures.Add($"Model:Preprocessing:ColorMode must be '{ColorModes.Rgb}' or '{ColorModes.Grayscale}'.");
        }

        if (p.ImageSize is < 1 or > 4096)
        {
            failures.Add("Model:Preprocessing:ImageSize must be between 1 and 4096.");
        }

        if (p.ResizeSize is < 1 or > 8192)
        {
            failures.Add("Model:Preprocessing:ResizeSize must be between 1 and 8192.");
        }

        if (p.Mean is { Length: not 3 })
        {
            failures.Add("Model:Preprocessing:Mean must have three values (RGB).");
        }

        if (p.Std is { } std && (std.Length != 3 || std.Any(s => !(s > 0))))
        {
            failures.Add("Model:Preprocessing:Std must have three positive values (RGB).");
        }

        if (options.OutputKind is not (null or OutputKinds.Logits or OutputKinds.Probabilities))
        {
            failures.Add($"Model:OutputKind must be '{OutputKinds.Logits}' or '{OutputKinds.Probabilities}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
