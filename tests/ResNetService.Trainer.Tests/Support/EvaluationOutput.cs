using System.Globalization;
using System.Text.RegularExpressions;

namespace ResNetService.Trainer.Tests.Support;

/// <summary>Reads the numbers evaluate prints.</summary>
internal static class EvaluationOutput
{
    public static string Accuracy(string output) => Regex.Match(output, @"Accuracy: [\d.]+% on \d+ test images").Value is { Length: > 0 } line
        ? line
        : throw new Xunit.Sdk.XunitException("no accuracy line in: " + output);

    public static double TestLoss(string output) => Regex.Match(output, @"Test loss: ([\d.]+) \(mean cross-entropy\)") is { Success: true } match
        ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
        : throw new Xunit.Sdk.XunitException("no test loss line in: " + output);
}
