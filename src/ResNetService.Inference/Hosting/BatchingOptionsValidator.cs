using Microsoft.Extensions.Options;
using ResNetService.Inference.Batching;

namespace ResNetService.Inference.Hosting;

/// <summary>Checks of <see cref="BatchingOptions"/> that data annotations cannot express.</summary>
public sealed class BatchingOptionsValidator : IValidateOptions<BatchingOptions>
{
    public ValidateOptionsResult Validate(string? name, BatchingOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBatchDelay < TimeSpan.Zero || options.MaxBatchDelay > TimeSpan.FromSeconds(1))
        {
            failures.Add("Batching:MaxBatchDelay must be between 0 and 1 second (e.g. 00:00:00.002).");
        }

        if (options.QueueTimeout < TimeSpan.Zero || options.QueueTimeout > TimeSpan.FromHours(1))
        {
            failures.Add("Batching:QueueTimeout must be between 0 (no limit) and 1 hour (e.g. 00:00:05).");
        }

        if (options.RetryAfter < TimeSpan.FromSeconds(1))
        {
            failures.Add("Batching:RetryAfter must be at least 1 second (Retry-After is in whole seconds).");
        }

        if (options.RefusalDelay < TimeSpan.Zero || options.RefusalDelay > options.RetryAfter)
        {
            failures.Add("Batching:RefusalDelay must be between 0 and Batching:RetryAfter.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
