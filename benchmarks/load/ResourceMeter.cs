using System.Diagnostics;

namespace ResNetService.Benchmarks.Load;

/// <summary>What the two processes used during a phase: CPU in cores (CPU time / wall time), the service's peak memory and log lines.</summary>
public readonly record struct ResourceUse(
    double GeneratorCores, double ServiceCores, long ServicePeakBytes, bool PeakSincePhaseStart, double ServiceLogLinesPerSecond);

/// <summary>Started when a phase starts, read when its last answer is in.</summary>
public sealed class ResourceMeter
{
    private readonly ServiceProcess _service;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TimeSpan _generatorCpu = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly TimeSpan _serviceCpu;
    private readonly long _serviceLines;
    private readonly bool _peakReset;

    public ResourceMeter(ServiceProcess service)
    {
        _service = service;
        _serviceCpu = service.ProcessorTime;
        _serviceLines = service.OutputLines;
        _peakReset = service.ResetPeakMemory();
    }

    public ResourceUse Stop()
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var generator = (Process.GetCurrentProcess().TotalProcessorTime - _generatorCpu).TotalSeconds / seconds;
        var service = (_service.ProcessorTime - _serviceCpu).TotalSeconds / seconds;
        var lines = (_service.OutputLines - _serviceLines) / seconds;
        return new ResourceUse(generator, service, _service.PeakMemoryBytes(), _peakReset, lines);
    }
}
