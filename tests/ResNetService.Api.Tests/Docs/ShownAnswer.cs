using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ResNetService.Api.Tests.Docs;

/// <summary>
/// Compares an answer the documentation shows with the one the service gives: every field, the same fields, arrays of
/// the same length; times may differ, fractional numbers by 1e-4 of their size (at least 1e-4), integers not at all.
/// An array shown as <c>[a,b, ... ,y,z]</c> is abridged: its first and last elements are compared.
/// </summary>
public static partial class ShownAnswer
{
    /// <summary>Fields that differ on every run: the times a request took.</summary>
    public static readonly IReadOnlySet<string> VolatileFields = new HashSet<string> { "decodeMs", "queueMs", "inferenceMs" };

    public const double Tolerance = 1e-4;

    private const string Elision = "...";

    /// <summary>Where the actual answer differs from the shown one, as "path: why" lines; empty when it does not.</summary>
    public static IReadOnlyList<string> Differences(string shown, string actual)
    {
        var differences = new List<string>();
        JsonNode? actualNode;
        try
        {
            actualNode = JsonNode.Parse(actual);
        }
        catch (System.Text.Json.JsonException error)
        {
            return [$"the answer is no JSON ({error.Message}): {actual}"];
        }

        Compare(JsonNode.Parse(ElisionPattern().Replace(shown.Trim(), $",\"{Elision}\",")), actualNode, "$", differences);
        return differences;
    }

    private static void Compare(JsonNode? shown, JsonNode? actual, string path, List<string> differences)
    {
        switch (shown)
        {
            case JsonObject shownObject when actual is JsonObject actualObject:
                var names = shownObject.Select(p => p.Key).Union(actualObject.Select(p => p.Key)).Except(VolatileFields);
                foreach (var name in names)
                {
                    if (!shownObject.ContainsKey(name) || !actualObject.ContainsKey(name))
                    {
                        differences.Add($"{path}.{name}: {(shownObject.ContainsKey(name) ? "not in the answer" : "in the answer, not shown")}");
                        continue;
                    }

                    Compare(shownObject[name], actualObject[name], $"{path}.{name}", differences);
                }

                break;
            case JsonArray shownArray when actual is JsonArray actualArray:
                CompareArrays(shownArray, actualArray, path, differences);
                break;
            case JsonValue shownValue when actual is JsonValue actualValue:
                if (!ValuesAgree(shownValue, actualValue))
                {
                    differences.Add($"{path}: shown {shownValue.ToJsonString()}, answered {actualValue.ToJsonString()}");
                }

                break;
            default:
                if (shown is not null || actual is not null)
                {
                    differences.Add($"{path}: shown {shown?.ToJsonString() ?? "null"}, answered {actual?.ToJsonString() ?? "null"}");
                }

                break;
        }
    }

    private static void CompareArrays(JsonArray shown, JsonArray actual, string path, List<string> differences)
    {
        var elision = shown.Select((item, index) => (item, index)).FirstOrDefault(
            pair => pair.item is JsonValue value && value.TryGetValue<string>(out var text) && text == Elision, (null, -1)).index;
        var head = elision < 0 ? shown.Count : elision;
        var tail = elision < 0 ? 0 : shown.Count - elision - 1;
        if (elision < 0 ? actual.Count != shown.Count : actual.Count < head + tail)
        {
            differences.Add($"{path}: {shown.Count} elements shown{(elision < 0 ? "" : " (abridged)")}, {actual.Count} answered");
            return;
        }

        for (var i = 0; i < head; i++)
        {
            Compare(shown[i], actual[i], $"{path}[{i}]", differences);
        }

        for (var i = 1; i <= tail; i++)
        {
            Compare(shown[^i], actual[^i], $"{path}[^{i}]", differences);
        }
    }

    private static bool ValuesAgree(JsonValue shown, JsonValue actual)
    {
        if (shown.TryGetValue<string>(out var shownText))
        {
            return actual.TryGetValue<string>(out var actualText)
                && (shownText == actualText || ClassificationsAgree(shownText, actualText));
        }

        var shownJson = shown.ToJsonString();
        if (!double.TryParse(shownJson, NumberStyles.Float, CultureInfo.InvariantCulture, out var shownNumber))
        {
            return shownJson == actual.ToJsonString();
        }

        if (!double.TryParse(actual.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var actualNumber))
        {
            return false;
        }

        var isInteger = !shownJson.Contains('.') && !shownJson.Contains('e', StringComparison.OrdinalIgnoreCase);
        return isInteger ? shownNumber == actualNumber : NumbersAgree(shownNumber, actualNumber);
    }

    /// <summary>Triton's classification strings, "value:index:label": the value within the tolerance, the rest exactly.</summary>
    private static bool ClassificationsAgree(string shown, string actual)
    {
        var shownParts = shown.Split(':', 2);
        var actualParts = actual.Split(':', 2);
        return shownParts.Length == 2 && actualParts.Length == 2 && shownParts[1] == actualParts[1]
            && double.TryParse(shownParts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var shownValue)
            && double.TryParse(actualParts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var actualValue)
            && NumbersAgree(shownValue, actualValue);
    }

    private static bool NumbersAgree(double shown, double actual) =>
        Math.Abs(shown - actual) <= Tolerance * Math.Max(1, Math.Abs(shown));

    // ", ... ," between two elements of an abridged array.
    [GeneratedRegex(@"\s*,\s*\.\.\.\s*,\s*")]
    private static partial Regex ElisionPattern();
}
