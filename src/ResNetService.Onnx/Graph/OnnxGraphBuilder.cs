using ResNetService.Onnx.Protos;

namespace ResNetService.Onnx.Graph;

/// <summary>
/// Collects the parts of one ONNX graph (float32 initializers, nodes, the declared inputs and outputs) and
/// turns them into a <see cref="ModelProto"/>. It keeps the rules readers rely on: every node and every
/// tensor name is unique, a node only reads tensors that already exist, and initializers are constants,
/// not graph inputs.
/// </summary>
public sealed class OnnxGraphBuilder
{
    /// <summary>IR version 8 (ONNX 1.10+): read by every ONNX Runtime of the last years.</summary>
    public const long IrVersion = 8;

    /// <summary>The default-domain operator set the graph's nodes follow.</summary>
    public const long OpsetVersion = 17;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string graphName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(graphName);
        _graph = new GraphProto { Name = graphName };
    }

    /// <summary>Adds a float32 constant (a weight) and returns its name, for use as a node input.</summary>
    public string AddInitializer(string name, IReadOnlyList<long> shape, ReadOnlySpan<float> values)
    {
        ClaimTensorName(name);
        _graph.Initializer.Add(OnnxTensors.Float(name, shape, values));
        return name;
    }

    /// <summary>Declares a float32 graph input; its dimensions may be fixed or symbolic.</summary>
    public string AddInput(string name, IReadOnlyList<Dimension> shape)
    {
        ClaimTensorName(name);
        _graph.Input.Add(FloatValueInfo(name, shape));
        return name;
    }

    /// <summary>Declares an existing tensor (usually a node's output) as a float32 graph output.</summary>
    public void AddOutput(string name, IReadOnlyList<Dimension> shape)
    {
        if (!_tensorNames.Contains(name))
        {
            throw new InvalidOperationException($"Graph output '{name}' is not produced by any node or input.");
        }

        _graph.Output.Add(FloatValueInfo(name, shape));
    }

    /// <summary>Adds a node of the default domain with one output, and returns that output's name.</summary>
    public string AddNode(string opType, string nodeName, IReadOnlyList<string> inputs, string output, params AttributeProto[] attributes) =>
        AddNode(opType, nodeName, inputs, [output], attributes)[0];

    /// <summary>Adds a node of the default domain and returns its outputs' names.</summary>
    public IReadOnlyList<string> AddNode(
        string opType, string nodeName, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params AttributeProto[] attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        if (!_nodeNames.Add(nodeName))
        {
            throw new InvalidOperationException($"A node named '{nodeName}' already exists.");
        }

        foreach (var input in inputs)
        {
            if (!_tensorNames.Contains(input))
            {
                throw new InvalidOperationException($"Node '{nodeName}' reads '{input}', which no initializer, input or earlier node provides.");
            }
        }

        foreach (var output in outputs)
        {
            ClaimTensorName(output);
        }

        var node = new NodeProto { Name = nodeName, OpType = opType, Domain = "" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>
    /// The finished model: IR version 8, one opset import (default domain, version 17), the producer, and
    /// <paramref name="metadata"/> as <c>metadata_props</c> in key order. The builder's graph is copied, so the
    /// builder may go on.
    /// </summary>
    public ModelProto Build(string producerName, string producerVersion, IReadOnlyDictionary<string, string>? metadata = null, string? docString = null)
    {
        if (_graph.Output.Count == 0)
        {
            throw new InvalidOperationException("The graph declares no output.");
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = producerName,
            ProducerVersion = producerVersion,
            Graph = _graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        if (docString is not null)
        {
            model.DocString = docString;
        }

        foreach (var (key, value) in (metadata ?? new Dictionary<string, string>()).OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    private void ClaimTensorName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_tensorNames.Add(name))
        {
            throw new InvalidOperationException($"A tensor named '{name}' already exists.");
        }
    }

    private static ValueInfoProto FloatValueInfo(string name, IReadOnlyList<Dimension> shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var dimension in shape)
        {
            tensorShape.Dim.Add(dimension.Name is { } symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = dimension.Size!.Value });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape },
            },
        };
    }
}
