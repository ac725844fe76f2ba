using Microsoft.Extensions.Options;
using ResNetService.Inference;

namespace ResNetService.Api.Hosting;

/// <summary>Tells a configuration mistake (a bad option, a missing model) from a bug when the service fails to start.</summary>
public static class StartupFailure
{
    /// <summary>One line per distinct mistake, or none when anything in <paramref name="exception"/> is not a configuration mistake.</summary>
    public static IReadOnlyList<string> Reasons(Exception exception)
    {
        IReadOnlyList<Exception> causes = exception is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [exception];
        return causes.All(IsConfigurationMistake) ? causes.Select(cause => cause.Message).Distinct().ToList() : [];
    }

    private static bool IsConfigurationMistake(Exception exception) =>
        exception is ModelLoadException or OptionsValidationException
        // A value that cannot be converted, e.g. "abc" for a number: the binder's own exception says which key.
        || exception is InvalidOperationException { Source: "Microsoft.Extensions.Configuration.Binder" };
}
