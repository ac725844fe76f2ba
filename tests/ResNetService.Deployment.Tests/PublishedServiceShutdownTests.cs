using System.Net;
using System.Net.Http.Headers;
using ResNetService.Deployment.Tests.Support;
using ResNetService.TestSupport;

namespace ResNetService.Deployment.Tests;

/// <summary>
/// SIGTERM to the published service, as <c>docker stop</c> and the kubelet send it, while requests are in flight: the
/// requests are held open by their own bodies, so the test decides when each step happens, not the machine's speed.
/// </summary>
public sealed partial class PublishedServiceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task On_sigterm_readiness_fails_at_once_every_accepted_request_is_answered_and_the_process_exits_0()
    {
        // A second instance, with an accept delay long enough to be seen and used on a slow machine, and a drain that
        // cannot run out while the test holds requests open.
        using var instance = service.StartInstance(new Dictionary<string, string>
        {
            ["Shutdown__AcceptDelay"] = "00:00:15",
            ["Shutdown__DrainTimeout"] = "00:05:00",
        });
        using var client = new HttpClient { BaseAddress = instance.BaseAddress, Timeout = Patience * 2 };
        await instance.WaitUntilReadyAsync(client);
        var bodies = new List<HeldBackContent>();
        var answers = new List<Task<HttpResponseMessage>>();
        void Send(HttpClient sender)
        {
            var body = new HeldBackContent(NoiseImages.Png(400, seed: bodies.Count), "image/png"); // 480 KB: held up to 90 s
            bodies.Add(body);
            answers.Add(sender.PostAsync("/classify", body));
        }

        // Three requests begun before the signal (concurrent, so each on its own connection).
        for (var i = 0; i < 3; i++)
        {
            Send(client);
        }

        await Task.WhenAll(bodies.Select(b => b.Started)).WaitAsync(Patience);
        instance.Terminate();

        // Readiness fails; new connections are still accepted and answered during the accept delay.
        await WaitUntilAsync(async () => await StatusAsync(client, "/health/ready") == HttpStatusCode.ServiceUnavailable, instance, "readiness to fail");
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(client, "/v2/health/ready"));
        using var newcomer = new HttpClient { BaseAddress = instance.BaseAddress, Timeout = Patience * 2 };
        using (var content = new ByteArrayContent(Png()))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            using var during = await newcomer.PostAsync("/classify", content);
            Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            Send(newcomer);
        }

        await Task.WhenAll(bodies.Select(b => b.Started)).WaitAsync(Patience);

        // Accepting stops after the delay; the six requests, still waiting for their bodies, are drained.
        await WaitUntilAsync(() => Task.FromResult(instance.Output.Contains("Accepting stopped")), instance, "accepting to stop");
        foreach (var body in bodies)
        {
            body.Release();
        }

        var responses = await Task.WhenAll(answers).WaitAsync(Patience);
        var answered = await Task.WhenAll(responses.Select(async r => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}"));
        var exitCode = await instance.WaitForExitAsync(Patience);

        Assert.All(answered, answer => Assert.StartsWith("200 ", answer));
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{instance.Output}");
        Assert.Contains("Shutting down: readiness is off", instance.Output);
        Assert.Contains("Accepting stopped: draining 6 requests in flight", instance.Output);
        Assert.Contains("Drained 6 requests", instance.Output);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }

    /// <summary>Polls (bounded) until <paramref name="condition"/> holds.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, ServiceProcess instance, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited {Patience} for {what}:\n{instance.Output}");
            await Task.Delay(100);
        }
    }
}
