using Microsoft.Extensions.Options;

namespace ResNetService.Api.Shutdown;

/// <summary>Checks of <see cref="ShutdownOptions"/>.</summary>
public sealed class ShutdownOptionsValidator : IValidateOptions<ShutdownOptions>
{
    private static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, ShutdownOptions options)
    {
        var failures = new List<string>();
        if (options.AcceptDelay < TimeSpan.Zero || options.AcceptDelay > Longest)
        {
            failures.Add("Shutdown:AcceptDelay must be between 0 and 1 hour (e.g. 00:00:15).");
        }

        if (options.DrainTimeout < TimeSpan.Zero || options.DrainTimeout > Longest)
        {
            failures.Add("Shutdown:DrainTimeout must be between 0 and 1 hour (e.g. 00:00:25).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
