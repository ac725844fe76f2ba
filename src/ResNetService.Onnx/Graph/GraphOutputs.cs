using ResNetService.Onnx.Protos;

namespace ResNetService.Onnx.Graph;

/// <summary>Makes intermediate values of a graph into outputs, so that ONNX Runtime returns them too.</summary>
public static class GraphOutputs
{
    /// <summary>
    /// Adds each named value as a float output, unless it already is an output or is a graph input (which ONNX Runtime
    /// cannot return). The shape is left out: ONNX Runtime infers it.
    /// </summary>
    public static void AddFloatOutputs(this GraphProto graph, IEnumerable<string> names)
    {
        foreach (var name in names.Distinct(StringComparer.Ordinal).Where(n => graph.Output.All(o => o.Name != n) && graph.Input.All(i => i.Name != n)).ToList())
        {
            graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }
    }
}
