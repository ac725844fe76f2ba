using System.Globalization;
using System.Text.RegularExpressions;

namespace ResNetService.Api.Tests.Docs;

/// <summary>
/// Compares what a documented command printed with the answer the document shows: the text character for character
/// (whitespace aside), numbers within <see cref="Tolerance"/>, the values of <see cref="VolatileFields"/> not at all,
/// and "..." in the shown answer standing for anything (an abridged answer).
/// </summary>
public static partial class ShownAnswer
{
    /// <summary>Relative to the value, and absolute below 1: probabilities within 1e-4.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Fields whose values change from run to run: times measured by the service.</summary>
    public static readonly string[] VolatileFields = ["decodeMs", "queueMs", "inferenceMs", "loadMs"];

    /// <summary>Null when <paramref name="printed"/> matches <paramref name="shown"/>, else where and how it differs.</summary>
    public static string? Mismatch(string shown, string printed)
    {
        var expected = Tokens(shown);
        var actual = Tokens(printed);
        var segments = Split(expected);
        var position = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var first = i == 0;
            var last = i == segments.Count - 1;
            int? at = first ? (MatchesAt(segment, actual, 0) ? 0 : null)
                : last && !EndsAbridged(expected) ? (MatchesAt(segment, actual, actual.Count - segment.Count) && actual.Count - segment.Count >= position ? actual.Count - segment.Count : null)
                : FirstMatch(segment, actual, position);
            if (at is null)
            {
                return Describe(segment, actual, position, first);
            }

            position = at.Value + segment.Count;
        }

        return segments.Count == 1 && position != actual.Count
            ? $"the output goes on after the shown answer ends: '{Context(actual, position)}'"
            : null;
    }

    private static bool EndsAbridged(List<Token> tokens) => tokens.Count > 0 && tokens[^1].Kind == TokenKind.Ellipsis;

    private static List<List<Token>> Split(List<Token> tokens)
    {
        var segments = new List<List<Token>> { new() };
        foreach (var token in tokens)
        {
            if (token.Kind == TokenKind.Ellipsis)
            {
                segments.Add([]);
            }
            else
            {
                segments[^1].Add(token);
            }
        }

        return segments;
    }

    private static int? FirstMatch(List<Token> segment, List<Token> actual, int from)
    {
        for (var start = from; start + segment.Count <= actual.Count; start++)
        {
            if (MatchesAt(segment, actual, start))
            {
                return start;
            }
        }

        return null;
    }

    private static bool MatchesAt(List<Token> segment, List<Token> actual, int start) =>
        start >= 0 && start + segment.Count <= actual.Count && segment.Select((token, i) => Same(token, actual[start + i])).All(same => same);

    private static bool Same(Token shown, Token printed)
    {
        if (shown.Kind != printed.Kind)
        {
            return false;
        }

        if (shown.Kind != TokenKind.Number)
        {
            return shown.Text == printed.Text;
        }

        if (shown.Volatile)
        {
            return true;
        }

        var a = double.Parse(shown.Text, CultureInfo.InvariantCulture);
        var b = double.Parse(printed.Text, CultureInfo.InvariantCulture);
        return IsInteger(shown.Text) && IsInteger(printed.Text) ? a == b : Math.Abs(a - b) <= Tolerance * Math.Max(1, Math.Abs(a));
    }

    private static bool IsInteger(string number) => !number.Contains('.') && !number.Contains('e') && !number.Contains('E');

    private static string Describe(List<Token> segment, List<Token> actual, int position, bool first)
    {
        // The furthest the segment gets at the place it should be (the start) or anywhere after it.
        var (bestStart, bestLength) = (position, 0);
        foreach (var start in first ? [position] : Enumerable.Range(position, Math.Max(0, actual.Count - position)))
        {
            var length = 0;
            while (length < segment.Count && start + length < actual.Count && Same(segment[length], actual[start + length]))
            {
                length++;
            }

            if (length > bestLength)
            {
                (bestStart, bestLength) = (start, length);
            }
        }

        return $"shown '{Context(segment, bestLength)}' but printed '{Context(actual, bestStart + bestLength)}'";
    }

    private static string Context(List<Token> tokens, int at) =>
        string.Concat(tokens.Skip(Math.Max(0, at - 8)).Take(24).Select(t => t.Text));

    private static List<Token> Tokens(string text)
    {
        var tokens = new List<Token>();
        var before = "";
        foreach (Match match in TokenPattern().Matches(text))
        {
            var kind = match.Groups["number"].Success ? TokenKind.Number
                : match.Groups["ellipsis"].Success ? TokenKind.Ellipsis : TokenKind.Text;
            var isVolatile = kind == TokenKind.Number && VolatileFields.Any(field => before.EndsWith($"\"{field}\":", StringComparison.Ordinal));
            tokens.Add(new Token(kind, match.Value, isVolatile));
            before = kind == TokenKind.Text ? (before + match.Value)[^Math.Min(before.Length + 1, 64)..] : "";
        }

        return tokens;
    }

    // A number, "..." (the shown answer abridged), or any other character that is not white space.
    [GeneratedRegex(@"(?<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?<ellipsis>\.\.\.|…)|\S")]
    private static partial Regex TokenPattern();

    private enum TokenKind
    {
        Text,
        Number,
        Ellipsis,
    }

    private sealed record Token(TokenKind Kind, string Text, bool Volatile);
}
