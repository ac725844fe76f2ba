using Google.Protobuf;
using ResNetService.Onnx.Graph;
using ResNetService.Onnx.ModelFile;
using ResNetService.Onnx.Protos;
using Keys = ResNetService.Onnx.ModelFile.ModelMetadataKeys;

namespace ResNetService.Inference.Features;

/// <summary>
/// Decides, before ONNX Runtime loads a model, which graph outputs give its embedding and last feature map: those its
/// metadata declares (<see cref="Keys.EmbeddingOutput"/>, <see cref="Keys.FeatureMapOutput"/>), else the input and
/// output of the global average pool before its classifier (<see cref="ClassifierHead"/>). Values that are not graph
/// outputs yet are added as outputs to a copy of the model, which is then loaded from <see cref="ModelBytes"/>.
/// </summary>
public sealed record FeatureGraph
{
    /// <summary>The model with the outputs added, to load instead of the file; null: load the file as it is.</summary>
    public byte[]? ModelBytes { get; init; }

    /// <summary>The outputs, as far as they can be known before the model runs (their lengths come from the warm-up).</summary>
    public required FeatureOutputs Outputs { get; init; }

    /// <summary>What the graph computes in (<see cref="ModelPrecision"/>), read here because the graph is parsed here anyway.</summary>
    public string Precision { get; init; } = ModelPrecision.Fp32;

    public static FeatureGraph Plan(string path)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Exception e) when (e is IOException or InvalidProtocolBufferException)
        {
            // ONNX Runtime reports what is wrong with the file itself.
            return new FeatureGraph { Outputs = FeatureOutputs.None("the file could not be read as an ONNX model") };
        }

        var graph = model.Graph ?? new GraphProto();
        var metadata = model.MetadataProps.GroupBy(entry => entry.Key).ToDictionary(group => group.Key, group => group.Last().Value);
        var declaredEmbedding = metadata.GetValueOrDefault(Keys.EmbeddingOutput);
        var declaredFeatureMap = metadata.GetValueOrDefault(Keys.FeatureMapOutput);
        var outputs = graph.Output.Select(output => output.Name).ToHashSet(StringComparer.Ordinal);
        var scores = outputs.Where(name => name != declaredEmbedding && name != declaredFeatureMap).ToList();
        if (scores.Count != 1)
        {
            // The model loader refuses such a model with its own message.
            return new FeatureGraph { Outputs = FeatureOutputs.None($"the model has {scores.Count} class score outputs, not one") };
        }

        var head = ClassifierHead.Find(graph, scores[0], out var whyNoHead);
        var embedding = Declared(declaredEmbedding, outputs) ?? head?.Embedding;
        var featureMap = Declared(declaredFeatureMap, outputs) ?? head?.FeatureMap;
        var missing = new[] { embedding, featureMap }.OfType<string>().Where(name => !outputs.Contains(name)).ToList();
        byte[]? bytes = null;
        string? notExposed = null;
        if (missing.Count > 0 && graph.Initializer.Any(tensor => tensor.DataLocation == TensorProto.Types.DataLocation.External))
        {
            // A copy loaded from memory could not find the weight files beside the original.
            notExposed = "its weights are stored in external data files, so the service cannot add outputs to it";
            (embedding, featureMap) = (outputs.Contains(embedding ?? "") ? embedding : null, outputs.Contains(featureMap ?? "") ? featureMap : null);
        }
        else if (missing.Count > 0)
        {
            graph.AddFloatOutputs(missing);
            bytes = model.ToByteArray();
        }

        var noFeatures = notExposed ?? (whyNoHead is null ? null : $"the model declares no embedding output and {whyNoHead}");
        return new FeatureGraph
        {
            ModelBytes = bytes,
            Precision = ModelPrecision.Of(graph),
            Outputs = new FeatureOutputs
            {
                EmbeddingOutput = embedding,
                FeatureMapOutput = featureMap,
                Declared = declaredEmbedding is not null || declaredFeatureMap is not null,
                Classifier = head,
                EmbeddingUnavailable = embedding is null ? noFeatures : null,
                ExplanationUnavailable = head is null ? $"{whyNoHead}; a class activation map needs global average pooling then one fully connected layer"
                    : featureMap is null ? noFeatures : null,
            },
        };
    }

    /// <summary>A declared output that the graph really has; a stale key is ignored.</summary>
    private static string? Declared(string? name, HashSet<string> outputs) => name is not null && outputs.Contains(name) ? name : null;
}
