using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ResNetService.Api.Tests.Support;

/// <summary>Starting a test service and waiting for it, for every kind of factory the tests use.</summary>
public static class ServiceStarts
{
    /// <summary>
    /// Starts the service on Kestrel at a free loopback port (a real socket, for what cannot use the in-memory test
    /// server: curl, Prometheus, a browser) and answers its address.
    /// </summary>
    public static Uri StartOnLoopback(this WebApplicationFactory<Program> service)
    {
        service.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        service.StartServer();
        return new Uri(service.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    /// <summary>Waits (bounded) until /health/ready answers 200, so that tests start on a warmed-up model.</summary>
    public static async Task WaitUntilReadyAsync(this WebApplicationFactory<Program> service)
    {
        using var client = service.CreateClient();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var response = await client.GetAsync("/health/ready");
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The service did not become ready within a minute.");
    }
}
