using Markdig;
using Markdig.Syntax;

namespace ResNetService.Api.Tests.Docs;

/// <summary>A request the documentation shows (a bash block that calls the service) and the answer shown after it.</summary>
public sealed record DocumentedExchange(string File, int Line, string Command, string ShownAnswer)
{
    /// <summary>The address the documentation's requests go to: the first set-up command's.</summary>
    public const string DocumentedAddress = "http://127.0.0.1:5000";

    public override string ToString() => $"{File}:{Line}";

    /// <summary>
    /// Every bash block of the README and the guides in docs/ that calls <see cref="DocumentedAddress"/> and is followed
    /// at once by a json block: the answer it gives.
    /// </summary>
    public static IReadOnlyList<DocumentedExchange> In(string repositoryRoot)
    {
        var files = new[] { Path.Combine(repositoryRoot, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(repositoryRoot, "docs"), "*.md").Order(StringComparer.Ordinal));
        var exchanges = new List<DocumentedExchange>();
        foreach (var file in files)
        {
            var blocks = Markdown.Parse(System.IO.File.ReadAllText(file)).OfType<FencedCodeBlock>().ToList();
            foreach (var (request, answer) in blocks.Zip(blocks.Skip(1)))
            {
                var command = request.Lines.ToString();
                if (request.Info == "bash" && answer.Info == "json" && IsNext(request, answer) && command.Contains(DocumentedAddress, StringComparison.Ordinal))
                {
                    exchanges.Add(new DocumentedExchange(
                        Path.GetRelativePath(repositoryRoot, file), request.Line + 1, command, answer.Lines.ToString()));
                }
            }
        }

        return exchanges;
    }

    /// <summary>The answer block follows the request's with nothing but its closing fence between them.</summary>
    private static bool IsNext(FencedCodeBlock request, FencedCodeBlock answer)
    {
        var document = (MarkdownDocument)request.Parent!;
        return document.IndexOf(answer) == document.IndexOf(request) + 1;
    }
}
