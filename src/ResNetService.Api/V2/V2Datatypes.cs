namespace ResNetService.Api.V2;

/// <summary>The protocol's tensor datatypes this service speaks, and its own output names.</summary>
public static class V2Datatypes
{
    public const string Fp32 = "FP32";
    public const string Bytes = "BYTES";

    /// <summary>The extra BYTES output of image requests: the top classes as <c>"score:index:label"</c>.</summary>
    public const string ClassificationOutput = "classification";

    /// <summary>Input parameter <c>content_type</c> that marks base64 strings (as Seldon MLServer's codec).</summary>
    public const string Base64ContentType = "base64";
}
