using System.Text;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace ResNetService.Deployment.Tests.Docs;

/// <summary>The anchors GitHub gives a Markdown file's headings, by its slug rules.</summary>
public static class HeadingAnchors
{
    /// <summary>Every heading's anchor, in order; a repeated slug gets <c>-1</c>, <c>-2</c> ... as GitHub numbers it.</summary>
    public static IReadOnlySet<string> Of(MarkdownDocument document)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            var slug = Slug(PlainText(heading.Inline));
            var repeats = seen.GetValueOrDefault(slug);
            seen[slug] = repeats + 1;
            anchors.Add(repeats == 0 ? slug : $"{slug}-{repeats}");
        }

        return anchors;
    }

    /// <summary>
    /// GitHub's slug of a heading's text: lower case, each space a <c>-</c>, and every character that is not a
    /// letter, a digit, <c>-</c> or <c>_</c> dropped.
    /// </summary>
    public static string Slug(string headingText)
    {
        var slug = new StringBuilder(headingText.Length);
        foreach (var character in headingText.Trim().ToLowerInvariant())
        {
            if (character == ' ')
            {
                slug.Append('-');
            }
            else if (char.IsLetterOrDigit(character) || character is '-' or '_')
            {
                slug.Append(character);
            }
        }

        return slug.ToString();
    }

    /// <summary>A heading's text as GitHub renders it: code spans and link texts count, the Markdown around them not.</summary>
    private static string PlainText(ContainerInline? inline)
    {
        var text = new StringBuilder();
        foreach (var piece in inline?.Descendants() ?? [])
        {
            switch (piece)
            {
                case LiteralInline literal:
                    text.Append(literal.Content);
                    break;
                case CodeInline code:
                    text.Append(code.Content);
                    break;
            }
        }

        return text.ToString();
    }
}
