using Markdig;
using Markdig.Syntax;
using ResNetService.TestSupport;

namespace ResNetService.Api.Tests.Docs;

/// <summary>
/// A request a Markdown file shows with its answer: a shell code block that calls the service as the first set-up
/// command runs it (<see cref="Address"/>), followed at once by a code block holding what it prints.
/// </summary>
public sealed record DocumentedRequest(string File, int Line, string Script, string Answer)
{
    /// <summary>Where the README's first set-up command serves.</summary>
    public const string Address = "http://127.0.0.1:5000";

    private static readonly string[] ShellLanguages = ["bash", "sh", "shell", "console"];

    /// <summary>Every documented request of every Markdown file under <paramref name="root"/>, outside build outputs.</summary>
    public static IEnumerable<DocumentedRequest> FindAll(string root) =>
        Checkout.Files(root, "*.md").SelectMany(path => Find(Path.GetRelativePath(root, path), System.IO.File.ReadAllText(path)));

    public static IEnumerable<DocumentedRequest> Find(string file, string markdown)
    {
        var blocks = Markdown.Parse(markdown).Descendants<FencedCodeBlock>().ToList();
        foreach (var request in blocks.Where(IsRequest))
        {
            // The answer is the very next block of the same parent: a paragraph between them ends the pair.
            var siblings = request.Parent!;
            var next = siblings.IndexOf(request) + 1;
            if (next < siblings.Count && siblings[next] is FencedCodeBlock answer)
            {
                yield return new DocumentedRequest(file, request.Line + 1, Text(request), Text(answer));
            }
        }
    }

    public override string ToString() => $"{File}:{Line}";

    private static bool IsRequest(FencedCodeBlock block) =>
        ShellLanguages.Contains(block.Info?.Trim()) && Text(block).Contains(Address, StringComparison.Ordinal);

    private static string Text(FencedCodeBlock block) => block.Lines.ToString();
}
