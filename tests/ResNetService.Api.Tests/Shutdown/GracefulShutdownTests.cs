using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ResNetService.Api.Tests.Support;
using ResNetService.TestSupport;

namespace ResNetService.Api.Tests.Shutdown;

/// <summary>
/// A stop (what SIGTERM and Ctrl+C do: StopApplication) on real Kestrel: readiness turns false at once, the service
/// answers through the accept delay (on a clock the test moves), then stops accepting and answers what it accepted before
/// the models unload. Requests are held in flight by their own bodies, so nothing depends on the machine's speed.
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class GracefulShutdownTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Readiness_turns_false_at_once_and_the_service_keeps_answering_through_the_accept_delay()
    {
        var acceptDelay = TimeSpan.FromMinutes(10);
        var clock = new WatchedClock();
        await using var service = new StoppableService(fixture.Model.Path, new Dictionary<string, string?>
        {
            ["Shutdown:AcceptDelay"] = acceptDelay.ToString(),
        }, clock);
        await service.WaitUntilReadyAsync();
        var stopped = service.Stopped();
        var delaying = clock.TimerStartedAsync(acceptDelay);

        service.Lifetime.StopApplication();
        // The stop waits on the accept delay's timer, on a clock that has not moved: the host cannot stop meanwhile.
        Assert.Same(delaying, await Task.WhenAny(delaying, stopped).WaitAsync(TimeSpan.FromMinutes(1)));

        using var client = service.CreateClient(); // A new connection: still accepted.
        using var ready = await client.GetAsync("/health/ready");
        using var v2Ready = await client.GetAsync("/v2/health/ready");
        using var classified = await client.PostAsync("/classify", Requests.RawBody(TestImages.Png(1)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var check = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("shutdown");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, v2Ready.StatusCode); // The protocol's "not ready".
        Assert.Equal(HttpStatusCode.OK, classified.StatusCode);
        Assert.False(stopped.IsCompleted, "the host stopped before its accept delay was over");

        // The delay ends when the clock says so.
        clock.Advance(acceptDelay);
        await stopped.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Contains(service.ShutdownLog, line => line.StartsWith("Shutting down: readiness is off"));
    }

    [Fact]
    public async Task A_request_accepted_before_the_stop_is_answered_after_accepting_stops_and_before_the_model_unloads()
    {
        await using var service = new StoppableService(fixture.Model.Path, new Dictionary<string, string?>
        {
            ["Shutdown:DrainTimeout"] = "00:05:00",
        });
        await service.WaitUntilReadyAsync();
        using var client = service.CreatePlainClient();
        var body = new HeldBackContent(NoiseImages.Png(200, seed: 2), "image/png"); // 120 KB: held up to 20 s
        var answer = client.PostAsync("/classify", body);
        await StoppableService.WaitUntilAsync(() => Task.FromResult(service.Requests.Running == 1), "the held request to be in flight");
        var stopped = service.Stopped();

        service.Lifetime.StopApplication();
        await StoppableService.WaitUntilAsync(async () => !await AcceptsAsync(client.BaseAddress!), "the server to stop accepting");
        Assert.False(stopped.IsCompleted, "the host stopped with a request in flight");
        body.Release();

        using var response = await answer.WaitAsync(TimeSpan.FromMinutes(1));
        await stopped.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Collection(service.ShutdownLog,
            line => Assert.StartsWith("Shutting down: readiness is off", line),
            line => Assert.StartsWith("Accepting stopped: draining 1 requests in flight", line),
            line => Assert.StartsWith("Drained 1 requests", line));
    }

    [Fact]
    public async Task A_request_still_running_when_the_drain_time_is_over_is_cut_off_and_the_service_stops()
    {
        await using var service = new StoppableService(fixture.Model.Path, new Dictionary<string, string?>
        {
            ["Shutdown:DrainTimeout"] = "00:00:00",
        });
        await service.WaitUntilReadyAsync();
        using var client = service.CreatePlainClient();
        var body = new HeldBackContent(NoiseImages.Png(200, seed: 3), "image/png");
        var answer = client.PostAsync("/classify", body);
        await StoppableService.WaitUntilAsync(() => Task.FromResult(service.Requests.Running == 1), "the held request to be in flight");
        var stopped = service.Stopped();

        service.Lifetime.StopApplication();
        await stopped.WaitAsync(TimeSpan.FromMinutes(1));
        body.Release();

        HttpStatusCode? status = null;
        try
        {
            using var response = await answer.WaitAsync(TimeSpan.FromMinutes(1));
            status = response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // Its connection was closed under it.
        }

        Assert.NotEqual(HttpStatusCode.OK, status);
        Assert.Contains(service.ShutdownLog, line => line.StartsWith("The drain timed out"));
    }

    [Fact]
    public async Task The_host_shutdown_timeout_covers_the_accept_delay_and_the_drain()
    {
        await using var service = new ServiceFactory(fixture.Model.Path, new Dictionary<string, string?>
        {
            ["Shutdown:AcceptDelay"] = "00:00:15",
            ["Shutdown:DrainTimeout"] = "00:00:40",
        });

        Assert.Equal(TimeSpan.FromSeconds(55), service.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    /// <summary>Whether a new connection to the server's port is taken (false once the port refuses connections).</summary>
    private static async Task<bool> AcceptsAsync(Uri address)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(address.Host, address.Port);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true; // Caught in the listener's backlog as it closed: ask again, until the port refuses.
        }
    }
}
