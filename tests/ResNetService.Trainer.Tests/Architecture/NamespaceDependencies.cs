using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace ResNetService.Trainer.Tests.Architecture;

/// <summary>One namespace using another inside one assembly, with the first pair of types found to make it.</summary>
public sealed record NamespaceEdge(string From, string To, string FromType, string ToType)
{
    public override string ToString() => $"{From} -> {To} ({FromType} uses {ToType})";
}

/// <summary>
/// Which namespaces of an assembly use which, read from its metadata without loading it: base types, interfaces,
/// fields, method signatures and locals, attributes, and the types, methods and fields the IL names. Nested and
/// compiler-made types (closures, state machines) count as their outermost type.
/// </summary>
public static class NamespaceDependencies
{
    /// <summary>Every edge between two different namespaces of the assembly at <paramref name="path"/>, in name order.</summary>
    public static IReadOnlyList<NamespaceEdge> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var edges = new SortedDictionary<(string From, string To), NamespaceEdge>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var from = Outermost(reader, handle);
            var fromNamespace = reader.GetString(reader.GetTypeDefinition(from).Namespace);
            if (fromNamespace.Length == 0)
            {
                continue;
            }

            foreach (var used in TypeReferences.Of(reader, pe, handle))
            {
                var to = Outermost(reader, used);
                var toNamespace = reader.GetString(reader.GetTypeDefinition(to).Namespace);
                if (toNamespace.Length > 0 && toNamespace != fromNamespace)
                {
                    edges.TryAdd((fromNamespace, toNamespace),
                        new NamespaceEdge(fromNamespace, toNamespace, FullName(reader, from), FullName(reader, to)));
                }
            }
        }

        return [.. edges.Values];
    }

    /// <summary>Pairs of namespaces that use each other: for each pair (first in name order), its two edges.</summary>
    public static IReadOnlyList<(NamespaceEdge There, NamespaceEdge Back)> MutualPairs(IEnumerable<NamespaceEdge> edges)
    {
        var byPair = edges.ToDictionary(e => (e.From, e.To));
        return byPair.Values
            .Where(e => string.CompareOrdinal(e.From, e.To) < 0 && byPair.ContainsKey((e.To, e.From)))
            .Select(e => (e, byPair[(e.To, e.From)]))
            .ToList();
    }

    /// <summary>
    /// Cycles through three or more namespaces: for each group of namespaces that all reach each other, one shortest
    /// loop through its first namespace, as the edges that make it.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<NamespaceEdge>> LongerCycles(IEnumerable<NamespaceEdge> edges)
    {
        var all = edges.ToList();
        var cycles = new List<IReadOnlyList<NamespaceEdge>>();
        foreach (var group in StronglyConnected(all).Where(g => g.Count > 2))
        {
            var members = group.ToHashSet();
            var inside = all.Where(e => members.Contains(e.From) && members.Contains(e.To)).ToList();
            var start = group.Min(StringComparer.Ordinal)!;
            var loop = ShortestLoop(inside, start);
            if (loop.Count > 2)
            {
                cycles.Add(loop);
            }
        }

        return cycles;
    }

    private static List<List<string>> StronglyConnected(List<NamespaceEdge> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var reaches = new Dictionary<string, HashSet<string>>();
        foreach (var node in edges.SelectMany(e => new[] { e.From, e.To }).Distinct())
        {
            reaches[node] = Reachable(next, node);
        }

        var groups = new List<List<string>>();
        var placed = new HashSet<string>();
        foreach (var node in reaches.Keys.Order(StringComparer.Ordinal))
        {
            if (placed.Add(node))
            {
                var group = reaches[node].Where(other => other == node || reaches[other].Contains(node)).ToList();
                placed.UnionWith(group);
                groups.Add(group);
            }
        }

        return groups;
    }

    private static HashSet<string> Reachable(Dictionary<string, List<string>> next, string start)
    {
        var seen = new HashSet<string> { start };
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var node))
        {
            foreach (var to in next.GetValueOrDefault(node) ?? [])
            {
                if (seen.Add(to))
                {
                    queue.Enqueue(to);
                }
            }
        }

        return seen;
    }

    private static List<NamespaceEdge> ShortestLoop(List<NamespaceEdge> edges, string start)
    {
        var cameBy = new Dictionary<string, NamespaceEdge>();
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var node))
        {
            foreach (var edge in edges.Where(e => e.From == node))
            {
                if (edge.To == start)
                {
                    var loop = new List<NamespaceEdge> { edge };
                    for (var at = node; at != start; at = cameBy[at].From)
                    {
                        loop.Insert(0, cameBy[at]);
                    }

                    return loop;
                }

                if (cameBy.TryAdd(edge.To, edge))
                {
                    queue.Enqueue(edge.To);
                }
            }
        }

        return [];
    }

    private static TypeDefinitionHandle Outermost(MetadataReader reader, TypeDefinitionHandle handle)
    {
        while (true)
        {
            var declaring = reader.GetTypeDefinition(handle).GetDeclaringType();
            if (declaring.IsNil)
            {
                return handle;
            }

            handle = declaring;
        }
    }

    private static string FullName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        return $"{reader.GetString(type.Namespace)}.{reader.GetString(type.Name)}";
    }
}
