namespace ResNetService.Api.Grpc;

/// <summary>The gRPC port (configuration section <c>Grpc</c>).</summary>
public sealed class GrpcOptions
{
    public const string SectionName = "Grpc";

    /// <summary>
    /// Where gRPC listens, HTTP/2 without TLS, beside the REST addresses (<c>urls</c>): e.g. <c>http://*:8081</c>, as in
    /// the container, or <c>http://127.0.0.1:5001</c>. Unset: no gRPC port.
    /// </summary>
    public string? Url { get; set; }
}
