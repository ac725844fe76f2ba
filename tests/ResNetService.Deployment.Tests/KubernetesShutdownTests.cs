using k8s.Models;
using ResNetService.Deployment.Tests.Support;

namespace ResNetService.Deployment.Tests;

/// <summary>
/// The deployments' shutdown times agree with the service's (Shutdown__AcceptDelay, Shutdown__DrainTimeout, as their
/// environment sets them on top of appsettings.json): readiness has failed before the pod stops accepting, and
/// Kubernetes does not kill it before its drain is over.
/// </summary>
public sealed class KubernetesShutdownTests
{
    // Kubernetes' defaults for a probe's fields left unset.
    private const int DefaultPeriodSeconds = 10;
    private const int DefaultTimeoutSeconds = 1;
    private const int DefaultFailureThreshold = 3;

    private readonly KubernetesManifests _manifests = new();

    [Theory]
    [InlineData("resnet-service")]
    [InlineData("resnet-service-gpu")]
    public void Readiness_fails_within_the_accept_delay_and_the_grace_period_outlasts_the_drain(string name)
    {
        var pod = _manifests.Deployment(name).Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var shutdown = ServiceSettings.Shutdown(container.Env.ToDictionary(e => e.Name, e => e.Value));
        var stopping = shutdown.AcceptDelay + shutdown.DrainTimeout;
        var grace = TimeSpan.FromSeconds(pod.TerminationGracePeriodSeconds ?? 30);

        // The last probe that passed may come just before SIGTERM; then failureThreshold probes must fail, each within its timeout.
        Assert.True(shutdown.AcceptDelay >= NotReadyAfter(container.ReadinessProbe),
            $"{name}: Shutdown__AcceptDelay {shutdown.AcceptDelay} is shorter than the readiness probe needs to fail ({NotReadyAfter(container.ReadinessProbe)})");
        Assert.True(grace > stopping, $"{name}: terminationGracePeriodSeconds {grace} does not outlast the accept delay and the drain ({stopping})");
        // Once accepting has stopped the liveness probe cannot connect: it must not count to failure during the drain.
        Assert.True(NotReadyAfter(container.LivenessProbe) > shutdown.DrainTimeout, $"{name}: the liveness probe would fail during the drain");
        // The delay is the service's own: a preStop sleep would add to it within the same grace period.
        Assert.Null(container.Lifecycle?.PreStop);
    }

    /// <summary>The longest a probe takes to report failure after the service starts failing it.</summary>
    private static TimeSpan NotReadyAfter(V1Probe probe) => TimeSpan.FromSeconds(
        (probe.PeriodSeconds ?? DefaultPeriodSeconds) * (probe.FailureThreshold ?? DefaultFailureThreshold)
        + (probe.TimeoutSeconds ?? DefaultTimeoutSeconds));
}
