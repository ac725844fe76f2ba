namespace ResNetService.Api.Shutdown;

/// <summary>How the service stops on SIGTERM, Ctrl+C or StopApplication (configuration section <c>Shutdown</c>).</summary>
public sealed class ShutdownOptions
{
    public const string SectionName = "Shutdown";

    /// <summary>
    /// How long the service keeps accepting and answering after readiness has turned false: the time a load balancer
    /// or Kubernetes needs to stop sending to it. Zero outside containers (nothing routes by readiness there).
    /// </summary>
    public TimeSpan AcceptDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How long requests already accepted (queued or running) may take to finish once accepting has stopped.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>The host's whole time to stop: both phases (the model unloading after them takes no wait of its own).</summary>
    public TimeSpan HostShutdownTimeout => AcceptDelay + DrainTimeout;
}
