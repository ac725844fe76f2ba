using System.Net;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using ResNetService.Api.Grpc.Protocol;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Grpc;
using ResNetService.Api.Tests.Support;
using static ResNetService.Api.Tests.V2.V2Requests;

namespace ResNetService.Api.Tests.RateLimiting;

/// <summary>
/// Per-client rate limiting: off by default; when on, each client address gets its own bucket, the address behind a
/// trusted proxy is the one it forwards, and X-Forwarded-For from anyone else is not believed. Buckets refill once an
/// hour here, so that no test depends on the clock.
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class RateLimitingTests(ServiceFixture fixture)
{
    private const int Limit = 2;
    private const string Proxy = "10.1.0.5";

    private static readonly Dictionary<string, string?> LimitedSettings = new()
    {
        ["RateLimiting:Enabled"] = "true",
        ["RateLimiting:TokenLimit"] = Limit.ToString(),
        ["RateLimiting:TokensPerPeriod"] = "1",
        ["RateLimiting:ReplenishmentPeriod"] = "01:00:00",
        ["ForwardedHeaders:KnownProxies:0"] = Proxy,
        ["ForwardedHeaders:KnownNetworks:0"] = "10.2.0.0/16",
    };

    [Fact]
    public async Task It_is_off_by_default()
    {
        await using var service = new ServiceFactory(fixture.Model.Path, new Dictionary<string, string?> { ["RateLimiting:TokenLimit"] = "1" });
        using var client = service.CreateClient();

        for (var i = 0; i < 4; i++)
        {
            using var response = await client.SendAsync(Classify(peer: "192.0.2.1"));
            await Requests.EnsureSuccessAsync(response);
        }
    }

    [Fact]
    public async Task Grpc_model_infer_shares_the_limit_and_is_refused_with_resource_exhausted_and_retry_info_while_health_is_not_limited()
    {
        await using var service = new ServiceFactory(fixture.Model.Path, LimitedSettings);
        using var channel = service.CreateGrpcChannel();
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        for (var i = 0; i < Limit; i++)
        {
            await client.ModelInferAsync(GrpcRequests.Tensor(Tensor(1, seed: i)));
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(GrpcRequests.Tensor(Tensor(1, seed: 9))).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains($"more than {Limit} requests at once", error.Status.Detail);
        Assert.InRange(error.GetRpcStatus()!.GetDetail<RetryInfo>().RetryDelay.ToTimeSpan(), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        for (var i = 0; i < 2 * Limit; i++)
        {
            Assert.True((await client.ServerReadyAsync(new ServerReadyRequest())).Ready);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new global::Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new HealthCheckRequest())).Status);
        }

        Assert.Empty(service.Log.AtLeast(Serilog.Events.LogEventLevel.Warning));
    }

    [Fact]
    public async Task Each_client_address_has_its_own_limit_answered_with_429_and_retry_after()
    {
        await using var service = new ServiceFactory(fixture.Model.Path, LimitedSettings);
        using var client = service.CreateClient();

        await UseUpAsync(client, peer: "192.0.2.1");
        using var limited = await client.SendAsync(Classify(peer: "192.0.2.1"));
        using var other = await client.SendAsync(Classify(peer: "192.0.2.2"));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(ProblemKinds.RateLimited.Type, (await limited.ReadProblemAsync()).Type);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        await Requests.EnsureSuccessAsync(other);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_is_limited_on_its_own()
    {
        await using var service = new ServiceFactory(fixture.Model.Path, LimitedSettings);
        using var client = service.CreateClient();

        foreach (var proxy in new[] { Proxy, "10.2.3.4" }) // a known proxy, and one of a known network
        {
            var forwarded = proxy == Proxy ? "203.0.113.7" : "203.0.113.8";
            await UseUpAsync(client, peer: proxy, forwardedFor: forwarded);
            using var limited = await client.SendAsync(Classify(peer: proxy, forwardedFor: forwarded));
            // What the client wrote itself comes first; the proxy appends the address it saw, the one believed.
            using var other = await client.SendAsync(Classify(peer: proxy, forwardedFor: $"{forwarded}, 198.51.100.9"));

            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            await Requests.EnsureSuccessAsync(other);
        }
    }

    [Fact]
    public async Task X_forwarded_for_from_an_untrusted_peer_is_ignored()
    {
        await using var service = new ServiceFactory(fixture.Model.Path, LimitedSettings);
        using var client = service.CreateClient();

        await UseUpAsync(client, peer: "192.0.2.50", forwardedFor: "203.0.113.1");
        using var spoofed = await client.SendAsync(Classify(peer: "192.0.2.50", forwardedFor: "203.0.113.99"));

        Assert.Equal(HttpStatusCode.TooManyRequests, spoofed.StatusCode);
    }

    [Fact]
    public async Task Only_the_inference_routes_are_limited_and_v2_answers_its_own_error_object()
    {
        await using var service = new ServiceFactory(fixture.Model.Path, LimitedSettings);
        using var client = service.CreateClient();
        const string peer = "192.0.2.60";
        await UseUpAsync(client, peer);

        foreach (var path in new[] { "/health/live", "/health/ready", "/models", "/models/test-model", "/v2", "/v2/models/test-model", "/swagger/v1/swagger.json" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add(PeerAddress.Header, peer);
            using var response = await client.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        }

        foreach (var path in new[] { "/classify/batch", "/models/test-model/classify", "/models/test-model/versions/1/classify/batch" })
        {
            using var request = Classify(peer, path: path);
            request.Content = Requests.Multipart(path.EndsWith("/batch", StringComparison.Ordinal) ? "images" : "image", TestImages.Png(1));
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{path}: {(int)response.StatusCode}");
        }

        using var v2 = Classify(peer, path: "/v2/models/test-model/infer");
        using var v2Response = await client.SendAsync(v2);
        Assert.Equal(HttpStatusCode.TooManyRequests, v2Response.StatusCode);
        Assert.NotNull(v2Response.Headers.RetryAfter);
        Assert.Contains("requests", JsonDocument.Parse(await v2Response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    private static async Task UseUpAsync(HttpClient client, string peer, string? forwardedFor = null)
    {
        for (var i = 0; i < Limit; i++)
        {
            using var response = await client.SendAsync(Classify(peer, forwardedFor));
            await Requests.EnsureSuccessAsync(response);
        }
    }

    private static HttpRequestMessage Classify(string peer, string? forwardedFor = null, string path = "/classify")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Requests.RawBody(TestImages.Png(5)) };
        request.Headers.Add(PeerAddress.Header, peer);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return request;
    }
}
