using Microsoft.Extensions.Options;

namespace ResNetService.Inference.Repository;

/// <summary>A configured repository folder must exist, a model folder must hold one of the two layouts, the default version policy must be usable, start-up models must be names.</summary>
public sealed class ModelRepositoryOptionsValidator : IValidateOptions<ModelRepositoryOptions>
{
    /// <summary>In <see cref="ModelRepositoryOptions.StartupModels"/>: every model of the folder.</summary>
    public const string AllModels = "*";

    public ValidateOptionsResult Validate(string? name, ModelRepositoryOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Root) && !Directory.Exists(options.Root))
        {
            failures.Add($"ModelRepository:Root {options.Root} is not a folder.");
        }

        if (!string.IsNullOrWhiteSpace(options.ModelDir) && ModelDirContent.Read(options.ModelDir).Problem is { } modelDirProblem)
        {
            failures.Add(modelDirProblem);
        }

        if (options.PollInterval < TimeSpan.Zero || options.SettleTime < TimeSpan.Zero)
        {
            failures.Add("ModelRepository:PollInterval and ModelRepository:SettleTime must not be negative.");
        }

        if (options.StartupModels.Length > 0 && options.ControlMode != ModelControlMode.Explicit)
        {
            failures.Add("ModelRepository:StartupModels is for ModelRepository:ControlMode Explicit; in Poll mode every model of the folder loads.");
        }

        if (options.StartupModels.FirstOrDefault(model => model != AllModels && !RepositoryLayout.IsModelName(model)) is { } bad)
        {
            failures.Add($"ModelRepository:StartupModels: '{bad}' is not a model folder name (letters, digits, '.', '_', '-').");
        }

        if (options.VersionPolicy.Problem() is { } problem)
        {
            failures.Add($"ModelRepository:VersionPolicy: {problem}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
