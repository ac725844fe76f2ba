using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;
using ResNetService.Inference.Model;
using ResNetService.Inference.Preprocessing;

namespace ResNetService.Inference.Hosting;

/// <summary>Checks of <see cref="ModelOptions"/> that data annotations cannot express.</summary>
public sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        var failures = new List<string>();
        var p = options.Preprocessing;
        if (p.ResizeMode is not (null or ResizeModes.ShorterSideThenCrop or ResizeModes.Direct))
            failures.Add($"Model:Preprocessing:ResizeMode must be '{ResizeModes.ShorterSideThenCrop}' or '{ResizeModes.Direct}'.");
        if (p.ColorMode is not (null or ColorModes.Rgb or ColorModes.Grayscale))
            failures.Add($"Model:Preprocessing:ColorMode must be '{ColorModes.Rgb}' or '{ColorModes.Grayscale}'.");
        if (p.ImageSize is < 1 or > 4096)
            failures.Add("Model:Preprocessing:ImageSize must be between 1 and 4096.");
        if (p.ResizeSize is < 1 or > 8192)
            failures.Add("Model:Preprocessing:ResizeSize must be between 1 and 8192.");
        if (p.Mean is { Length: not 3 })
            failures.Add("Model:Preprocessing:Mean must have three values (RGB).");
        if (p.Std is { } std && (std.Length != 3 || std.Any(s => !(s > 0))))
            failures.Add("Model:Preprocessing:Std must have three positive values (RGB).");
        if (options.OutputKind is not (null or OutputKinds.Logits or OutputKinds.Probabilities))
            failures.Add($"Model:OutputKind must be '{OutputKinds.Logits}' or '{OutputKinds.Probabilities}'.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Checks of <see cref="BatchingOptions"/> that data annotations cannot express.</summary>
public sealed class BatchingOptionsValidator : IValidateOptions<BatchingOptions>
{
    public ValidateOptionsResult Validate(string? name, BatchingOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBatchDelay < TimeSpan.Zero || options.MaxBatchDelay > TimeSpan.FromSeconds(1))
            failures.Add("Batching:MaxBatchDelay must be between 0 and 1 second (e.g. 00:00:00.002).");
        if (options.RetryAfter < TimeSpan.FromSeconds(1))
            failures.Add("Batching:RetryAfter must be at least 1 second (Retry-After is in whole seconds).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
