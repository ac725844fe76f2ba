using System.Buffers;
using System.Globalization;
using System.Text;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Model;
using ResNetService.Inference.Serving;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Api.V2;

/// <summary>
/// Runs one inference request against one model. The model's input takes either FP32 <c>[N, 3, S, S]</c> tensors,
/// already preprocessed (run as they are: the output is the model's own), or BYTES <c>[N]</c> (or <c>[N, 1]</c>)
/// encoded images, which the service decodes and preprocesses as for /classify (the output is then probabilities,
/// plus the <c>classification</c> output). The model's embedding and feature map outputs, where it has them, are
/// answered when requested (fetched only then). Everything is checked before anything reaches the model.
/// </summary>
public sealed class V2Inference(IImageClassifier classifier, ITensorInference tensors, string version, V2Options options)
{
    private ModelInfo Model { get; } = classifier.Info;

    public async Task<V2InferenceResponse> RunAsync(V2InferenceRequest request, V2RequestBody body, CancellationToken cancellationToken)
    {
        var input = SingleInput(request);
        var outputs = RequestedOutputs(request, input.Datatype == V2Datatypes.Bytes);
        var extras = Extras(outputs);
        var binary = BinarySection(input, body);
        var rows = input.Datatype switch
        {
            V2Datatypes.Fp32 => await RunTensorAsync(input, body, binary, extras, cancellationToken),
            V2Datatypes.Bytes => await RunImagesAsync(input, body, binary, extras, cancellationToken),
            _ => throw new V2Exception(
                $"Input '{input.Name}' has datatype {input.Datatype}; the model takes {V2Datatypes.Fp32} {V2Shapes.Format(InputShape(-1))} " +
                $"tensors, or {V2Datatypes.Bytes} [N] encoded images."),
        };

        var tensors = outputs.Select(output => Output(output, rows, request.BinaryDataOutput)).ToList();
        return new V2InferenceResponse(Model.Name, version, request.Id, tensors);
    }

    /// <summary>The input shape the service accepts, with <paramref name="batch"/> rows (-1: any).</summary>
    public long[] InputShape(long batch) => [batch, 3, Model.Preprocessing.ImageSize, Model.Preprocessing.ImageSize];

    private V2RequestInput SingleInput(V2InferenceRequest request)
    {
        if (request.Inputs.FirstOrDefault(i => i.Name != Model.InputName) is { } unknown)
        {
            throw new V2Exception($"Unknown input '{unknown.Name}'; the model's only input is '{Model.InputName}'.");
        }

        return request.Inputs.Count switch
        {
            0 => throw new V2Exception($"The request has no input; the model takes input '{Model.InputName}'."),
            1 => request.Inputs[0],
            _ => throw new V2Exception($"Input '{Model.InputName}' is given {request.Inputs.Count} times."),
        };
    }

    /// <summary>The row's values for each output the model can answer: scores, and the extras when they were fetched.</summary>
    private sealed record Row(float[] Scores, float[]? Embedding = null, float[]? FeatureMap = null);

    /// <summary>The extra outputs the requested ones need fetched.</summary>
    private ExtraOutputs Extras(List<V2RequestOutput> outputs) =>
        (outputs.Any(o => o.Name == Model.Features.EmbeddingOutput) ? ExtraOutputs.Embedding : ExtraOutputs.None)
        | (outputs.Any(o => o.Name == Model.Features.FeatureMapOutput) ? ExtraOutputs.FeatureMap : ExtraOutputs.None);

    /// <summary>The outputs to answer, checked: the scores by default (for images, the classification too).</summary>
    private List<V2RequestOutput> RequestedOutputs(V2InferenceRequest request, bool images)
    {
        if (request.Outputs is not { Count: > 0 } requested)
        {
            return images
                ? [new(Model.OutputName, null, null), new(V2Datatypes.ClassificationOutput, null, null)]
                : [new(Model.OutputName, null, null)];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var features = new[] { Model.Features.EmbeddingOutput, Model.Features.FeatureMapOutput }.OfType<string>().ToList();
        foreach (var output in requested)
        {
            var isFeature = features.Contains(output.Name);
            if (output.Name != Model.OutputName && output.Name != V2Datatypes.ClassificationOutput && !isFeature)
            {
                var others = string.Concat(features.Select(name => $", '{name}'"));
                throw new V2Exception(
                    $"Unknown output '{output.Name}'; the model's outputs are '{Model.OutputName}'{others} (and '{V2Datatypes.ClassificationOutput}', the top classes).");
            }

            if (isFeature && output.Classification is not null)
            {
                throw new V2Exception($"Output '{output.Name}' is not class scores; parameter classification applies to '{Model.OutputName}' only.");
            }

            if (!seen.Add(output.Name))
            {
                throw new V2Exception($"Output '{output.Name}' is requested twice.");
            }

            if (output.Classification > Model.Classes)
            {
                throw new V2Exception($"Output '{output.Name}' asks for {output.Classification} classes; the model has {Model.Classes}.");
            }
        }

        return [.. requested];
    }

    /// <summary>The input's binary tensor data, which must be all the bytes after the JSON header.</summary>
    private static ReadOnlyMemory<byte> BinarySection(V2RequestInput input, V2RequestBody body)
    {
        if (input.BinaryDataSize is not { } size)
        {
            return input.Data is null
                ? throw new V2Exception($"Input '{input.Name}' has neither 'data' nor parameter binary_data_size.")
                : body.Binary.Length == 0
                    ? ReadOnlyMemory<byte>.Empty
                    : throw new V2Exception($"The request has {body.Binary.Length} bytes of binary data that no input claims (binary_data_size).");
        }

        if (input.Data is not null)
        {
            throw new V2Exception($"Input '{input.Name}' has both 'data' and parameter binary_data_size.");
        }

        if (size != body.Binary.Length)
        {
            throw new V2Exception(
                $"Input '{input.Name}' declares binary_data_size {size}, but {body.Binary.Length} bytes follow the JSON header" +
                $" ({BinaryTensorData.HeaderName} gives the header's length).");
        }

        return body.Binary;
    }

    private int BatchSize(V2RequestInput input)
    {
        var n = input.Shape[0];
        return n is >= 1 && n <= options.MaxBatchSize
            ? (int)n
            : throw new V2Exception($"Input '{input.Name}' has {n} rows; between 1 and {options.MaxBatchSize} (V2:MaxBatchSize) are accepted.");
    }

    private async Task<Row[]> RunTensorAsync(
        V2RequestInput input, V2RequestBody body, ReadOnlyMemory<byte> binary, ExtraOutputs extras, CancellationToken cancellationToken)
    {
        var shape = input.Shape;
        var size = Model.Preprocessing.ImageSize;
        if (shape.Count != 4 || shape[1] != 3 || shape[2] != size || shape[3] != size)
        {
            throw new V2Exception(
                $"Input '{input.Name}' has shape {V2Shapes.Format(shape)}; the model takes {V2Shapes.Format(InputShape(-1))} (N rows of 3 channels, {size}x{size}).");
        }

        var rows = BatchSize(input);
        tensors.EnsureRoom(rows); // Before the (JSON) numbers are parsed.
        var rowLength = Model.Preprocessing.TensorLength;
        var count = rows * rowLength;
        var values = ArrayPool<float>.Shared.Rent(count);
        try
        {
            var destination = values.AsSpan(0, count);
            if (input.Data is { } data)
            {
                JsonTensorReader.ReadFloats(body.Json.Span.Slice(data.Start, data.Length), shape, input.Name, destination);
            }
            else if (binary.Length != count * 4L)
            {
                throw new V2Exception($"Input '{input.Name}' has shape {V2Shapes.Format(shape)}: {count * 4L} bytes of FP32, not {binary.Length}.");
            }
            else
            {
                BinaryTensorData.ReadFloats(binary.Span, input.Name, destination);
            }

            var slices = new ReadOnlyMemory<float>[rows];
            for (var r = 0; r < rows; r++)
            {
                slices[r] = values.AsMemory(r * rowLength, rowLength);
            }

            return [.. (await tensors.InferAsync(slices, extras, cancellationToken)).Select(r => new Row(r.Output, r.Embedding, r.FeatureMap))];
        }
        finally
        {
            ArrayPool<float>.Shared.Return(values);
        }
    }

    private async Task<Row[]> RunImagesAsync(
        V2RequestInput input, V2RequestBody body, ReadOnlyMemory<byte> binary, ExtraOutputs extras, CancellationToken cancellationToken)
    {
        var shape = input.Shape;
        if (shape.Count is not (1 or 2) || (shape.Count == 2 && shape[1] != 1))
        {
            throw new V2Exception($"Input '{input.Name}' has shape {V2Shapes.Format(shape)}; encoded images come as {V2Datatypes.Bytes} [N] or [N, 1].");
        }

        var count = BatchSize(input);
        classifier.EnsureRoom(count); // Before any image is decoded (base64 included).
        var base64 = input.ContentType switch
        {
            null => false,
            V2Datatypes.Base64ContentType => true,
            _ => throw new V2Exception($"Input '{input.Name}' has content_type '{input.ContentType}'; only '{V2Datatypes.Base64ContentType}' is understood."),
        };

        IReadOnlyList<ReadOnlyMemory<byte>> images;
        if (input.Data is { } data)
        {
            if (!base64)
            {
                throw new V2Exception(
                    $"Images in JSON must be base64 strings marked with parameter content_type '{V2Datatypes.Base64ContentType}' on input '{input.Name}'" +
                    " (or raw bytes in the binary tensor data extension).");
            }

            images = [.. JsonTensorReader.ReadBase64(body.Json.Span.Slice(data.Start, data.Length), shape, input.Name, count).Select(b => (ReadOnlyMemory<byte>)b)];
        }
        else
        {
            var elements = BinaryTensorData.ReadElements(binary, input.Name, count);
            images = base64 ? [.. elements.Select((e, i) => (ReadOnlyMemory<byte>)FromBase64(e.Span, input.Name, i))] : elements;
        }

        var results = await classifier.ClassifyBatchAsync(images, Model.Classes, extras, cancellationToken);
        var rows = new Row[results.Count];
        for (var i = 0; i < results.Count; i++)
        {
            var classification = results[i].Classification
                ?? throw new V2Exception($"Image {i} of input '{input.Name}': {results[i].Rejection!.Message}");
            var probabilities = new float[Model.Classes];
            foreach (var prediction in classification.Predictions)
            {
                probabilities[prediction.Index] = prediction.Probability;
            }

            rows[i] = new Row(probabilities, classification.Embedding, classification.FeatureMap);
        }

        return rows;
    }

    private static byte[] FromBase64(ReadOnlySpan<byte> text, string input, int index)
    {
        var bytes = new byte[System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        return System.Buffers.Text.Base64.DecodeFromUtf8(text, bytes, out _, out var written) == OperationStatus.Done
            ? bytes[..written]
            : throw new V2Exception($"Element {index} of input '{input}' is not valid base64.");
    }

    /// <summary>
    /// The rows as the model's output (raw for FP32 inputs, probabilities for images), or, with parameter
    /// <c>classification: k</c> (Triton's classification extension; 1 by default for the <c>classification</c> output),
    /// the top k of each row as BYTES <c>[N, k]</c> of <c>"value:index:label"</c>.
    /// </summary>
    private V2OutputTensor Output(V2RequestOutput output, Row[] rows, bool binaryByDefault)
    {
        var binary = output.BinaryData ?? binaryByDefault;
        var features = Model.Features;
        if (output.Name == features.EmbeddingOutput)
        {
            return Stacked(output.Name, [.. rows.Select(row => row.Embedding!)], [features.EmbeddingLength], binary);
        }

        if (output.Name == features.FeatureMapOutput)
        {
            return Stacked(output.Name, [.. rows.Select(row => row.FeatureMap!)], [.. features.FeatureMapShape.Select(d => (long)d)], binary);
        }

        var classes = output.Classification ?? (output.Name == V2Datatypes.ClassificationOutput ? 1 : null);
        if (classes is { } k)
        {
            var elements = new List<byte[]>(rows.Length * k);
            foreach (var row in rows.Select(row => row.Scores))
            {
                foreach (var index in Probabilities.TopK(row, k))
                {
                    elements.Add(Encoding.UTF8.GetBytes(
                        $"{row[index].ToString(CultureInfo.InvariantCulture)}:{index}:{Model.Labels[index]}"));
                }
            }

            return new V2OutputTensor(output.Name, V2Datatypes.Bytes, [rows.Length, k], null, elements, binary);
        }

        return Stacked(output.Name, [.. rows.Select(row => row.Scores)], [Model.Classes], binary);
    }

    /// <summary>Rows of one shape as one FP32 tensor of [rows, .. shape].</summary>
    private static V2OutputTensor Stacked(string name, float[][] rows, long[] rowShape, bool binary)
    {
        var length = rows.Length == 0 ? 0 : rows[0].Length;
        var values = new float[rows.Length * length];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r].CopyTo(values, r * length);
        }

        return new V2OutputTensor(name, V2Datatypes.Fp32, [rows.Length, .. rowShape], values, null, binary);
    }
}
