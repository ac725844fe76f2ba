using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using ResNetService.TestSupport;

namespace ResNetService.Deployment.Tests.Docs;

/// <summary>
/// Checks every Markdown file under a folder: each relative link (and image) must name a file or folder that exists,
/// and each <c>#anchor</c>, in the same file or in another Markdown file, a heading there.
/// </summary>
public static partial class MarkdownLinkChecker
{
    // Tables hold many of the links, so they are parsed as GitHub parses them.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public static IReadOnlyList<string> MarkdownFiles(string root) => Checkout.Files(root, "*.md");

    /// <summary>The relative links of one parsed file, with their (1-based) lines.</summary>
    public static IEnumerable<(string Url, int Line)> RelativeLinks(MarkdownDocument document) =>
        document.Descendants<LinkInline>()
            .Where(link => !string.IsNullOrEmpty(link.Url) && !HasScheme(link.Url))
            .Select(link => (link.Url!, link.Line + 1));

    public static MarkdownDocument Parse(string file) => Markdown.Parse(File.ReadAllText(file), Pipeline);

    public static IReadOnlyList<BrokenLink> Check(string root)
    {
        var documents = new Dictionary<string, MarkdownDocument>(StringComparer.Ordinal);
        MarkdownDocument Document(string file) =>
            documents.TryGetValue(file, out var parsed) ? parsed : documents[file] = Parse(file);

        var broken = new List<BrokenLink>();
        foreach (var file in MarkdownFiles(root))
        {
            var name = Path.GetRelativePath(root, file);
            foreach (var (url, line) in RelativeLinks(Document(file)))
            {
                if (Problem(root, file, url, Document) is { } reason)
                {
                    broken.Add(new BrokenLink(name, line, url, reason));
                }
            }
        }

        return broken;
    }

    private static string? Problem(string root, string file, string url, Func<string, MarkdownDocument> document)
    {
        var hash = url.IndexOf('#');
        var path = Uri.UnescapeDataString(hash < 0 ? url : url[..hash]);
        var anchor = hash < 0 ? null : url[(hash + 1)..];

        // As on GitHub, a path that starts with / starts at the repository's root.
        var target = path.Length == 0 ? file
            : path.StartsWith('/') ? Path.GetFullPath(Path.Combine(root, path.TrimStart('/')))
            : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, path));
        if (!File.Exists(target) && !Directory.Exists(target))
        {
            return $"no file or folder {path}";
        }

        if (anchor is null || !File.Exists(target) || !target.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return HeadingAnchors.Of(document(target)).Contains(anchor)
            ? null
            : $"no heading with the anchor #{anchor} in {(path.Length == 0 ? "this file" : path)}";
    }

    private static bool HasScheme(string url) => SchemePattern().IsMatch(url) || url.StartsWith("//", StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex SchemePattern();
}
