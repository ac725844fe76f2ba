using Microsoft.Extensions.Options;

namespace ResNetService.Inference.Repository;

/// <summary>A configured repository folder must exist, and the default version policy must be usable.</summary>
public sealed class ModelRepositoryOptionsValidator : IValidateOptions<ModelRepositoryOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelRepositoryOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Root) && !Directory.Exists(options.Root))
        {
            failures.Add($"ModelRepository:Root {options.Root} is not a folder.");
        }

        if (options.PollInterval < TimeSpan.Zero || options.SettleTime < TimeSpan.Zero)
        {
            failures.Add("ModelRepository:PollInterval and ModelRepository:SettleTime must not be negative.");
        }

        if (options.VersionPolicy.Problem() is { } problem)
        {
            failures.Add($"ModelRepository:VersionPolicy: {problem}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
