namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// The service's two ports in the container, as the Dockerfile's service stage sets them: REST (ASPNETCORE_HTTP_PORTS)
/// and gRPC (Grpc__Url, cleartext HTTP/2). The compose file, nginx and the manifests are compared with these.
/// </summary>
public sealed record ServicePorts(int Http, int Grpc)
{
    public static ServicePorts Of(DockerfileModel dockerfile, string flavor = "cpu")
    {
        var environment = dockerfile.Environment("service", new Dictionary<string, string> { ["FLAVOR"] = flavor });
        var grpc = ServiceSettings.GrpcPort(environment[ServiceSettings.GrpcUrl]);
        Assert.True(grpc is not null, $"{ServiceSettings.GrpcUrl}={environment[ServiceSettings.GrpcUrl]} names no gRPC port");
        return new ServicePorts(int.Parse(environment["ASPNETCORE_HTTP_PORTS"]), grpc.Value);
    }
}
