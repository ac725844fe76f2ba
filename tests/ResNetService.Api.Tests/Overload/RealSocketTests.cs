using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Overload;

/// <summary>
/// What only a real socket shows: a client that asks before sending (<c>Expect: 100-continue</c>) is refused under
/// overload without its body ever crossing the network, and a body with broken chunked framing is a 400. The service
/// runs on Kestrel (loopback, a free port), spoken to byte by byte.
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class RealSocketTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Under_overload_a_client_that_expects_100_continue_is_refused_before_it_sends_its_body()
    {
        await using var service = new GatedService(fixture.Model.Path);
        service.UseKestrel(0);
        service.StartServer();
        using var client = service.CreateClient();
        var held = await CheapRejectionTests.FillAsync(service, client, queued: GatedService.Capacity);
        var image = TestImages.Png(1);

        var answer = await ExchangeAsync(service, Ascii(
            $"POST /classify HTTP/1.1\r\nHost: localhost\r\n{BodyReads.Header}: expecting\r\nContent-Type: image/png\r\n" +
            $"Content-Length: {image.Length}\r\nExpect: 100-continue\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 503", answer); // no "100 Continue" first: the body was never asked for
        Assert.Contains("Retry-After: 2", answer);
        Assert.Contains(ProblemKinds.Overloaded.Type, answer);
        Assert.Equal(0, service.BodyReads.Of("expecting"));
        await CheapRejectionTests.ReleaseAsync(service, held);
    }

    [Theory]
    [InlineData("/classify", "image/png")]
    [InlineData("/classify/batch", "multipart/form-data; boundary=xyz")]
    [InlineData("/v2/models/test-model/infer", "application/json")]
    public async Task A_body_with_broken_chunked_framing_is_a_400(string path, string contentType)
    {
        await using var service = new ServiceFactory(fixture.Model.Path);
        service.UseKestrel(0);
        service.StartServer();

        var answer = await ExchangeAsync(service, Ascii(
            $"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Contains(path.StartsWith("/v2/", StringComparison.Ordinal) ? "{\"error\":" : ProblemKinds.BadParameter.Type, answer);
    }

    /// <summary>
    /// Sends <paramref name="request"/> and reads the answer until its last chunk, until the server closes, or for 10 s
    /// at most. The sending side stays open: a client that closes it looks to the server like one that went away.
    /// </summary>
    private static async Task<string> ExchangeAsync(ServiceFactory service, byte[] request)
    {
        var address = new Uri(service.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request);

        var answer = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            int read;
            while (!answer.ToString().Contains("\r\n0\r\n\r\n") && (read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (OperationCanceledException)
        {
            // What arrived so far is the answer.
        }

        return answer.ToString();
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
