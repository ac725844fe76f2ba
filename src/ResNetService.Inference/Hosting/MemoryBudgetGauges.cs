using Microsoft.Extensions.Hosting;
using ResNetService.Inference.Memory;
using ResNetService.Inference.Telemetry;

namespace ResNetService.Inference.Hosting;

/// <summary>
/// Shows the host's <see cref="MemoryBudget"/> on the memory gauges from the host's start until its container is
/// disposed: a hosted service, because the budget itself is a plain object that other hosts in a process (tests) may
/// create and drop without ever being observed.
/// </summary>
internal sealed class MemoryBudgetGauges(MemoryBudget budget) : IHostedService, IDisposable
{
    private IDisposable? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration ??= MemoryTelemetry.Register(budget);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration?.Dispose();
}
