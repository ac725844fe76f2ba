using YamlDotNet.RepresentationModel;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>YAML read as plain nodes, with small helpers to walk them.</summary>
public static class YamlDocuments
{
    public static IReadOnlyList<YamlMappingNode> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    public static YamlMappingNode Load(string text) => LoadAll(text).Single();

    /// <summary>The node at a path of keys, or null when any key is missing.</summary>
    public static YamlNode? At(this YamlNode node, params string[] path)
    {
        YamlNode? current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out current))
            {
                return null;
            }
        }

        return current;
    }

    public static YamlMappingNode Map(this YamlNode node, params string[] path) =>
        node.At(path) as YamlMappingNode ?? throw new KeyNotFoundException($"No mapping at {string.Join('.', path)}.");

    public static IReadOnlyList<YamlNode> List(this YamlNode node, params string[] path) =>
        (node.At(path) as YamlSequenceNode)?.Children.ToList() ?? [];

    public static string? Text(this YamlNode node, params string[] path) => (node.At(path) as YamlScalarNode)?.Value;

    public static IReadOnlyDictionary<string, string> Strings(this YamlMappingNode mapping) =>
        mapping.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value ?? "");
}
