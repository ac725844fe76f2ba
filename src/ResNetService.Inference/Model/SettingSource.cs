namespace ResNetService.Inference.Model;

/// <summary>Where a model setting (labels, image size, mean...) was found, in the order they are consulted.</summary>
public enum SettingSource
{
    /// <summary>The ONNX file's <c>metadata_props</c>.</summary>
    Metadata,

    /// <summary>The <c>&lt;model&gt;.json</c> file beside the model.</summary>
    Sidecar,

    /// <summary>The service configuration (<c>Model</c> section).</summary>
    Configuration,

    /// <summary>The model's own input or output shape.</summary>
    Model,

    /// <summary>ImageNet defaults (or <c>class_N</c> labels).</summary>
    Default,
}
