using System.Collections.Concurrent;

namespace ResNetService.Inference.Telemetry;

/// <summary>
/// What an observable gauge reads at each collection: each item from its <see cref="Add"/> until the registration
/// that call answered is disposed (a model version unloaded, a repository or a host stopped). The same item added
/// twice is two registrations, as a reload briefly serves two telemetries of one version.
/// </summary>
internal sealed class Observed<T>
{
    private readonly ConcurrentDictionary<Registration, byte> _registrations = new();

    public IEnumerable<T> Items => _registrations.Keys.Select(registration => registration.Item);

    public IDisposable Add(T item)
    {
        var registration = new Registration(this, item);
        _registrations.TryAdd(registration, 0);
        return registration;
    }

    private sealed class Registration(Observed<T> owner, T item) : IDisposable
    {
        public T Item { get; } = item;

        public void Dispose() => owner._registrations.TryRemove(this, out _);
    }
}
