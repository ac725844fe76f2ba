using ResNetService.Onnx.Protos;

namespace ResNetService.Quantization;

/// <summary>Who produces and who reads each tensor of a graph, and its weights by name: what the rewrites ask.</summary>
internal sealed class GraphIndex
{
    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        Initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                Producers[output] = node;
            }

            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                (Consumers.TryGetValue(input, out var list) ? list : Consumers[input] = []).Add(node);
            }
        }

        Outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
    }

    public GraphProto Graph { get; }

    public Dictionary<string, TensorProto> Initializers { get; }

    public Dictionary<string, NodeProto> Producers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<NodeProto>> Consumers { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Outputs { get; }

    /// <summary>The nodes reading <paramref name="tensor"/>; a graph output counts as a reader too (see <see cref="HasSoleReader"/>).</summary>
    public IReadOnlyList<NodeProto> ReadersOf(string tensor) => Consumers.TryGetValue(tensor, out var list) ? list : [];

    /// <summary>True when <paramref name="node"/> is the only thing that reads <paramref name="tensor"/>, so the tensor may vanish.</summary>
    public bool HasSoleReader(string tensor, NodeProto node) =>
        !Outputs.Contains(tensor) && ReadersOf(tensor) is [var only] && only == node;
}
