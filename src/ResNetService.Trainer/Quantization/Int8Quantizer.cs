using System.Globalization;
using System.Numerics.Tensors;
using ResNetService.Inference.Model;
using ResNetService.Onnx.Graph;
using ResNetService.Onnx.ModelFile;
using ResNetService.Onnx.Protos;
using ResNetService.Quantization;
using ResNetService.Trainer.Data;
using ResNetService.Trainer.Evaluation;

namespace ResNetService.Trainer.Quantization;

/// <summary>
/// Static int8 quantization of an fp32 ResNet ONNX file: calibrates activation ranges on images from a data source,
/// preprocessed as the service preprocesses them for this model, writes the QDQ model, checks what ONNX Runtime fuses,
/// and scores fp32 against int8. The output file appears only when everything succeeded.
/// </summary>
public static class Int8Quantizer
{
    public static QuantizeOutcome Run(QuantizeRequest request, Action<string> message, Action<int, int> calibrated)
    {
        var fp32 = ReadClassifier(request.ModelPath);
        using var fp32Model = OnnxEvaluator.Load(request.ModelPath);
        var info = fp32Model.Info;
        var settings = info.Preprocessing;
        var data = DataSource.Load(request.DataSource, new DataOptions(settings.ImageSize, settings.ResizeMode, request.LabelsFile, Name: info.Dataset));
        var images = CalibrationImages(data.Train, request);
        message($"Calibrating on {images.Count} of the {data.Train.Count} training images of {data.Name} ({request.Method}).");
        var int8 = StaticQuantizer.Quantize(fp32, settings.ImageSize, Batches(data.Train, images, settings, request.BatchSize), request.Method,
            request.ReduceRange, done => calibrated(done, images.Count));
        var fusion = FusionReport.Of(int8);
        message($"ONNX Runtime's optimized graph: {fusion}.");

        var temporary = request.OutputPath + ".partial";
        try
        {
            OnnxModelFile.Write(int8, temporary);
            ModelComparison comparison;
            using (var int8Model = OnnxEvaluator.Load(temporary))
            {
                comparison = Compare(fp32Model, int8Model, data, request.BatchSize);
            }

            if (comparison is { Int8Accuracy: { } accuracy, Fp32Accuracy: { } reference })
            {
                StaticQuantizer.SetMetadata(int8, ModelMetadataKeys.TestAccuracy, Invariant(Math.Round(accuracy, 4)));
                StaticQuantizer.SetMetadata(int8, ModelMetadataKeys.Fp32TestAccuracy, Invariant(Math.Round(reference, 4)));
                OnnxModelFile.Write(int8, temporary);
            }

            File.Move(temporary, request.OutputPath, overwrite: true);
            return new QuantizeOutcome(fusion, images.Count, request.Method.ToString(), comparison,
                new FileInfo(request.ModelPath).Length, new FileInfo(request.OutputPath).Length);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The model, when it is an fp32 classifier made of convolutions; anything else is refused before work starts.</summary>
    private static ModelProto ReadClassifier(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file not found: {path}", path);
        }

        ModelProto model;
        try
        {
            model = OnnxModelFile.Read(path);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path} is not an ONNX model: {e.Message}", e);
        }

        var graph = model.Graph ?? new GraphProto();
        if (ModelPrecision.QuantizedOperatorsIn(graph) is [_, ..] quantized)
        {
            throw new InvalidDataException($"{path} is already quantized (it has {string.Join(", ", quantized)} nodes).");
        }

        var ops = graph.Node.Select(n => n.OpType).ToHashSet(StringComparer.Ordinal);
        if (!ops.Contains("Conv") || !(ops.Contains("Gemm") || ops.Contains("MatMul")))
        {
            throw new InvalidDataException($"{path} is not a ResNet-like classifier: quantize needs convolutions and a fully connected classifier (Gemm or MatMul).");
        }

        return model;
    }

    /// <summary>A seeded draw of the training images, at most the number asked for.</summary>
    private static List<int> CalibrationImages(ImageSet train, QuantizeRequest request)
    {
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(request.Seed).Shuffle(order);
        var images = order.Take(request.CalibrationImages).ToList();
        return images.Count > 0 ? images : throw new DataSetException("The calibration set is empty: the data source has no training images.");
    }

    private static IEnumerable<(float[] Data, int Rows)> Batches(ImageSet set, IReadOnlyList<int> indices, PreprocessingSettings settings, int batchSize)
    {
        using var input = new OnnxInput(settings);
        var buffer = new float[batchSize * input.Length];
        for (var start = 0; start < indices.Count; start += batchSize)
        {
            var rows = Math.Min(batchSize, indices.Count - start);
            for (var row = 0; row < rows; row++)
            {
                input.Write(set.Image(indices[start + row]), buffer.AsSpan(row * input.Length, input.Length));
            }

            yield return (buffer, rows);
        }
    }

    /// <summary>Both models on the test split: accuracies when its classes are the model's, and always agreement and logit cosine.</summary>
    private static ModelComparison Compare(OnnxSession fp32, OnnxSession int8, TrainingData data, int batchSize)
    {
        var classes = fp32.Info.Classes;
        var labelled = data.Classes.Count == classes;
        using var input = new OnnxInput(fp32.Info.Preprocessing);
        var inputs = new float[batchSize * input.Length];
        var (a, b) = (new float[batchSize * classes], new float[batchSize * classes]);
        int agree = 0, correctFp32 = 0, correctInt8 = 0;
        double cosineSum = 0;
        for (var start = 0; start < data.Test.Count; start += batchSize)
        {
            var rows = Math.Min(batchSize, data.Test.Count - start);
            for (var row = 0; row < rows; row++)
            {
                input.Write(data.Test.Image(start + row), inputs.AsSpan(row * input.Length, input.Length));
            }

            fp32.Run(inputs.AsMemory(0, rows * input.Length), rows, a);
            int8.Run(inputs.AsMemory(0, rows * input.Length), rows, b);
            for (var row = 0; row < rows; row++)
            {
                var x = a.AsSpan(row * classes, classes);
                var y = b.AsSpan(row * classes, classes);
                var (px, py) = (OnnxEvaluator.ArgMax(x), OnnxEvaluator.ArgMax(y));
                agree += px == py ? 1 : 0;
                correctFp32 += labelled && px == data.Test.Labels[start + row] ? 1 : 0;
                correctInt8 += labelled && py == data.Test.Labels[start + row] ? 1 : 0;
                cosineSum += Cosine(x, y);
            }
        }

        var n = Math.Max(data.Test.Count, 1);
        return new ModelComparison(labelled ? (double)correctFp32 / n : null, labelled ? (double)correctInt8 / n : null,
            (double)agree / n, cosineSum / n, data.Test.Count);
    }

    private static double Cosine(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        // NaN when a vector is all zeros: two such vectors agree, one alone does not.
        var cosine = TensorPrimitives.CosineSimilarity(x, y);
        return float.IsNaN(cosine) ? (x.SequenceEqual(y) ? 1 : 0) : cosine;
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
