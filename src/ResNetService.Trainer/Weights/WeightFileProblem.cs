namespace ResNetService.Trainer.Weights;

/// <summary>
/// What is wrong with a weights file, worded to follow its path ("is truncated: ..."). The public readers turn it into
/// an <see cref="InvalidDataException"/> that starts with the path, so that the parts below need not know it.
/// </summary>
internal sealed class WeightFileProblem(string problem) : Exception(problem)
{
    public InvalidDataException For(string path) => new($"{path} {Message}", this);

    /// <summary>Text taken from a file, made safe for a one-line message: control characters escaped, long text cut.</summary>
    public static string Quote(string text)
    {
        const int longest = 120;
        var shown = text.Length > longest ? text[..longest] + "..." : text;
        return "'" + string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) + "'";
    }
}
