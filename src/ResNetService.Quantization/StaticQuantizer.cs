using System.Globalization;
using ResNetService.Onnx.ModelFile;
using ResNetService.Onnx.Protos;

namespace ResNetService.Quantization;

/// <summary>
/// Static int8 quantization of an fp32 ResNet graph, end to end: prepare it (<see cref="FloatGraphPreparation"/>),
/// measure the activations on calibration batches (<see cref="Calibration"/>), choose each range, rewrite it as QDQ
/// (<see cref="QdqRewriter"/>), and record the quantization in the metadata. The fp32 file's test accuracy does not
/// describe the int8 model: it moves to <see cref="ModelMetadataKeys.Fp32TestAccuracy"/>.
/// </summary>
public static class StaticQuantizer
{
    /// <param name="batches">Preprocessed inputs, [rows, 3, size, size] each, as the service would feed them.</param>
    /// <param name="reduceRange">Weights in 7 bits, for x86 cores without VNNI (see <see cref="QdqRewriter.Rewrite"/>).</param>
    /// <param name="calibrated">Called after each batch with the number of images measured so far.</param>
    public static ModelProto Quantize(ModelProto fp32, int imageSize, IEnumerable<(float[] Data, int Rows)> batches, CalibrationMethod method,
        bool reduceRange, Action<int>? calibrated = null)
    {
        var prepared = FloatGraphPreparation.Prepare(fp32);
        var tensors = QdqRewriter.CalibrationTensors(prepared);
        var images = 0;
        var histograms = Calibration.Measure(prepared, tensors, imageSize, batches, done =>
        {
            images = done;
            calibrated?.Invoke(done);
        });
        if (images == 0)
        {
            throw new ArgumentException("The calibration set is empty.", nameof(batches));
        }

        var int8 = QdqRewriter.Rewrite(prepared, histograms.ToDictionary(h => h.Key, h => method.Range(h.Value)), reduceRange);
        if (Metadata(int8, ModelMetadataKeys.TestAccuracy) is { } inherited)
        {
            int8.MetadataProps.Remove(inherited);
            SetMetadata(int8, ModelMetadataKeys.Fp32TestAccuracy, inherited.Value);
        }

        SetMetadata(int8, ModelMetadataKeys.Quantization, "int8 static QDQ: uint8 activations per tensor, int8 weights per output channel" +
            (reduceRange ? " in 7 bits (reduced range)" : "") + ", int32 biases");
        SetMetadata(int8, ModelMetadataKeys.QuantizationCalibration, method.ToString());
        SetMetadata(int8, ModelMetadataKeys.QuantizationCalibrationImages, images.ToString(CultureInfo.InvariantCulture));
        return int8;
    }

    public static void SetMetadata(ModelProto model, string key, string value)
    {
        if (Metadata(model, key) is { } entry)
        {
            entry.Value = value;
        }
        else
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
    }

    private static StringStringEntryProto? Metadata(ModelProto model, string key) => model.MetadataProps.FirstOrDefault(p => p.Key == key);
}
