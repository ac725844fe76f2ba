using System.Text;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>One nginx directive: its name, its arguments (quotes removed) and, for a block (http, server, ...), what it holds.</summary>
public sealed record NginxDirective(string Name, IReadOnlyList<string> Arguments, IReadOnlyList<NginxDirective> Children)
{
    /// <summary>The directives of this block with that name, not those of nested blocks.</summary>
    public IEnumerable<NginxDirective> All(string name) => Children.Where(child => child.Name == name);

    /// <summary>Every directive inside this block, nested ones included, in file order.</summary>
    public IEnumerable<NginxDirective> Descendants() => Children.SelectMany(child => child.Descendants().Prepend(child));

    /// <summary>The one block (or directive) of that name in this block.</summary>
    public NginxDirective Block(string name) =>
        All(name).SingleOrDefault() ?? throw new KeyNotFoundException($"no single '{name}' in '{Name}'");

    /// <summary>The first argument of the one directive of that name in this block, or null when there is none.</summary>
    public string? Value(string name) => All(name).SingleOrDefault()?.Arguments[0];
}

/// <summary>
/// nginx.conf read into directives and blocks, as nginx tokenizes it (words, quoted strings, comments, ';', '{', '}'):
/// enough to follow a server to its upstream without matching text that happens to look alike.
/// </summary>
public static class NginxConfig
{
    /// <summary>The file's top level (worker_processes, events, http) as the children of an unnamed block.</summary>
    public static NginxDirective Parse(string text)
    {
        var tokens = Tokens(text).GetEnumerator();
        var main = Block(tokens, nested: false);
        return new NginxDirective("", [], main);
    }

    private static List<NginxDirective> Block(IEnumerator<string> tokens, bool nested)
    {
        var directives = new List<NginxDirective>();
        var words = new List<string>();
        while (tokens.MoveNext())
        {
            switch (tokens.Current)
            {
                case ";":
                    directives.Add(Directive(words, []));
                    break;
                case "{":
                    directives.Add(Directive(words, Block(tokens, nested: true)));
                    break;
                case "}":
                    if (!nested || words.Count > 0)
                    {
                        throw new FormatException($"unexpected '}}' after '{string.Join(' ', words)}'");
                    }

                    return directives;
                default:
                    words.Add(tokens.Current);
                    continue;
            }

            words = [];
        }

        if (nested || words.Count > 0)
        {
            throw new FormatException("unexpected end of file: a block or directive is not closed");
        }

        return directives;
    }

    private static NginxDirective Directive(List<string> words, List<NginxDirective> children) =>
        words.Count > 0
            ? new NginxDirective(words[0], words[1..], children)
            : throw new FormatException("a ';' or '{' without a directive name");

    /// <summary>Words (quoted strings unquoted) and the three punctuation tokens; comments dropped.</summary>
    private static IEnumerable<string> Tokens(string text)
    {
        var index = 0;
        while (index < text.Length)
        {
            var c = text[index];
            if (char.IsWhiteSpace(c))
            {
                index++;
            }
            else if (c == '#')
            {
                while (index < text.Length && text[index] != '\n')
                {
                    index++;
                }
            }
            else if (c is ';' or '{' or '}')
            {
                index++;
                yield return c.ToString();
            }
            else if (c is '"' or '\'')
            {
                var word = new StringBuilder();
                for (index++; index < text.Length && text[index] != c; index++)
                {
                    if (text[index] == '\\' && index + 1 < text.Length)
                    {
                        index++;
                    }

                    word.Append(text[index]);
                }

                if (index++ >= text.Length)
                {
                    throw new FormatException("a quoted string is not closed");
                }

                yield return word.ToString();
            }
            else
            {
                var start = index;
                while (index < text.Length && !char.IsWhiteSpace(text[index]) && text[index] is not (';' or '{' or '}'))
                {
                    index++;
                }

                yield return text[start..index];
            }
        }
    }
}
