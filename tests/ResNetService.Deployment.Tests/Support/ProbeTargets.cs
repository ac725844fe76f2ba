using k8s.Models;

namespace ResNetService.Deployment.Tests.Support;

/// <summary>
/// Checks that every probe of a Deployment's containers asks something the service answers: an HTTP GET on one of its
/// health routes, on the port where it serves REST (by number, or by the name of a container port with that number),
/// or a gRPC health check on its gRPC port. Each problem names the file, the Deployment and the probe.
/// </summary>
public static class ProbeTargets
{
    public static IReadOnlyList<string> Problems(string file, V1Deployment deployment, ServicePorts ports)
    {
        var problems = new List<string>();
        foreach (var container in deployment.Spec.Template.Spec.Containers)
        {
            var probes = new (string Name, V1Probe? Probe)[]
            {
                ("startupProbe", container.StartupProbe), ("readinessProbe", container.ReadinessProbe), ("livenessProbe", container.LivenessProbe),
            };
            foreach (var (name, probe) in probes.Where(p => p.Probe is not null))
            {
                var where = $"{file}: {deployment.Metadata.Name}/{container.Name} {name}";
                if (probe!.HttpGet is { } get)
                {
                    if (!ServedRoutes.Health.Contains(get.Path ?? ""))
                    {
                        problems.Add($"{where} asks {get.Path}, which the service does not serve (its health routes: {string.Join(", ", ServedRoutes.Health.Order())})");
                    }

                    if (PortNumber(container, get.Port) != ports.Http)
                    {
                        problems.Add($"{where} asks port {get.Port.Value}, where the service does not serve HTTP (it listens on {ports.Http})");
                    }
                }
                else if (probe.Grpc is { } grpc && grpc.Port != ports.Grpc)
                {
                    problems.Add($"{where} asks gRPC on port {grpc.Port}, where the service does not serve gRPC (it listens on {ports.Grpc})");
                }
                else if (probe.HttpGet is null && probe.Grpc is null)
                {
                    problems.Add($"{where} is neither an HTTP GET nor a gRPC health check: nothing of the service's own state");
                }
            }
        }

        return problems;
    }

    /// <summary>The container port a probe's port means: a number as it is, a name through the container's ports.</summary>
    private static int? PortNumber(V1Container container, IntOrString port) =>
        int.TryParse(port.Value, out var number)
            ? number
            : container.Ports?.FirstOrDefault(p => p.Name == port.Value)?.ContainerPort;
}
