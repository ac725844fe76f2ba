namespace ResNetService.Onnx.ModelFile;

/// <summary>
/// Keys of the ONNX <c>metadata_props</c> the trainer writes and the service reads. They are the public contract
/// between the two halves (documented in docs/onnx-contract.md): renaming one breaks every model already exported.
/// </summary>
public static class ModelMetadataKeys
{
    /// <summary>JSON array of class names in output index order, e.g. <c>["T-shirt/top","Trouser",...]</c>.</summary>
    public const string Labels = "labels";

    /// <summary>Side of the square network input in pixels, e.g. <c>224</c>.</summary>
    public const string ImageSize = "image_size";

    /// <summary>How an image becomes <see cref="ImageSize"/> square: one of <see cref="ResizeModes"/>.</summary>
    public const string ResizeMode = "resize_mode";

    /// <summary>For <see cref="ResizeModes.ShorterSideThenCrop"/>: the shorter side before the centre crop, e.g. <c>256</c>.</summary>
    public const string ResizeSize = "resize_size";

    /// <summary>JSON array of three per-channel means on the 0..1 scale, RGB order.</summary>
    public const string Mean = "mean";

    /// <summary>JSON array of three per-channel standard deviations on the 0..1 scale, RGB order.</summary>
    public const string Std = "std";

    /// <summary>One of <see cref="ColorModes"/>: what the network was trained on.</summary>
    public const string ColorMode = "color_mode";

    /// <summary>Architecture name, e.g. <c>resnet50</c>.</summary>
    public const string Architecture = "architecture";

    /// <summary><c>v1.5</c> (stride on the 3x3) or <c>v1</c> (stride on the first 1x1).</summary>
    public const string Variant = "variant";

    /// <summary>Name of the training data set, e.g. <c>fashion-mnist</c>.</summary>
    public const string Dataset = "dataset";

    /// <summary>Accuracy on the test split as a fraction, invariant culture, e.g. <c>0.9312</c>.</summary>
    public const string TestAccuracy = "test_accuracy";

    /// <summary>
    /// The split that chose the exported epoch: <c>validation</c> (held out of the training split, so
    /// <see cref="TestAccuracy"/> was measured once, after the choice) or <c>test</c> (the test split chose it).
    /// </summary>
    public const string SelectedOn = "selected_on";

    /// <summary>Accuracy on the held-out validation split that chose the epoch, as a fraction.</summary>
    public const string ValidationAccuracy = "validation_accuracy";

    /// <summary>
    /// Present on a quantized model: how, e.g. <c>int8 static QDQ: uint8 activations per tensor, int8 weights per
    /// output channel</c>. Absent: the model runs in the precision of its weights.
    /// </summary>
    public const string Quantization = "quantization";

    /// <summary>How a quantized model's activation ranges were chosen, e.g. <c>percentile 99.999</c> or <c>minmax</c>.</summary>
    public const string QuantizationCalibration = "quantization_calibration";

    /// <summary>How many images calibrated a quantized model's ranges.</summary>
    public const string QuantizationCalibrationImages = "quantization_calibration_images";

    /// <summary>On a quantized model: the test accuracy of the fp32 model it was made from, measured in the same run.</summary>
    public const string Fp32TestAccuracy = "fp32_test_accuracy";

    /// <summary>When training finished, ISO 8601 UTC.</summary>
    public const string TrainingDate = "training_date";

    /// <summary>Name and version of the program that wrote the file.</summary>
    public const string ProducerVersion = "producer_version";

    /// <summary>
    /// Name of the optional graph output holding the pooled embedding, float32 <c>[batch, channels]</c>: the last
    /// feature map after global average pooling, the classifier's input. Absent: the service looks for it itself.
    /// </summary>
    public const string EmbeddingOutput = "embedding_output";

    /// <summary>
    /// Name of the optional graph output holding the last feature map (the last stage's output, C5), float32
    /// <c>[batch, channels, height, width]</c>. Absent: the service looks for it itself.
    /// </summary>
    public const string FeatureMapOutput = "feature_map_output";
}
