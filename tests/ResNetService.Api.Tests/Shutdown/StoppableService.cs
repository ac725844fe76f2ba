using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ResNetService.Api.Shutdown;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Shutdown;

/// <summary>
/// The service on real Kestrel on a free loopback port (a shutdown is about connections, which the test server has
/// none of), with the shutdown's log lines recorded and, when given, a clock the test moves for the accept delay.
/// </summary>
public sealed class StoppableService : ServiceFactory
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private readonly TimeProvider? _clock;

    public StoppableService(string modelPath, IReadOnlyDictionary<string, string?> overrides, TimeProvider? clock = null)
        : base(modelPath, new Dictionary<string, string?>(overrides)
        {
            [$"Serilog:MinimumLevel:Override:{typeof(GracefulShutdown).Namespace}"] = "Information",
        })
    {
        _clock = clock;
        UseKestrel(0);
    }

    /// <summary>What <see cref="GracefulShutdown"/> logged, in order.</summary>
    public IReadOnlyList<string> ShutdownLog => [.. Log.Events
        .Where(e => e.Properties.TryGetValue("SourceContext", out var source) && source.ToString().Contains(nameof(GracefulShutdown)))
        .Select(e => e.RenderMessage())];

    public IHostApplicationLifetime Lifetime => Services.GetRequiredService<IHostApplicationLifetime>();

    public RequestsInFlight Requests => Services.GetRequiredService<RequestsInFlight>();

    /// <summary>
    /// A plain client of the server's address (a new connection per call). The factory's own clients buffer request
    /// bodies (to follow redirects), which would wait for a held-back body before sending anything.
    /// </summary>
    public HttpClient CreatePlainClient()
    {
        using var client = CreateClient();
        return new HttpClient { BaseAddress = client.BaseAddress, Timeout = Patience * 5 };
    }

    /// <summary>Completes when the host has stopped (everything stopped, models unloaded).</summary>
    public Task Stopped()
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Lifetime.ApplicationStopped.Register(() => stopped.TrySetResult());
        return stopped.Task;
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; polling, so that no step depends on the machine's speed.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited {Patience} for: {what}");
            await Task.Delay(20);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (_clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(_clock));
        }
    }
}
