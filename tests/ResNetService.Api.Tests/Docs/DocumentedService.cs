using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ResNetService.Api.Tests.Docs;

/// <summary>
/// The service as the README's first set-up command runs it (the shipped default model, the shipped repository, every
/// other setting its default), on Kestrel at a free loopback port, so that documented commands can call it with curl.
/// </summary>
public sealed class DocumentedService : WebApplicationFactory<Program>, IAsyncLifetime
{
    public DocumentedService()
    {
        UseKestrel(0);
    }

    public static string Root { get; } = MarkdownFiles.RepositoryRoot();

    /// <summary>Where this instance serves, in place of <see cref="DocumentedRequest.Address"/>.</summary>
    public string Address { get; private set; } = "";

    public async Task InitializeAsync()
    {
        StartServer();
        Address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Single().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        using var client = new HttpClient { BaseAddress = new Uri(Address) };
        for (var attempt = 0; attempt < 600 && !(await client.GetAsync("/health/ready")).IsSuccessStatusCode; attempt++)
        {
            await Task.Delay(100);
        }
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Model:Path", Path.Combine(Root, "models", "model.onnx"));
        builder.UseSetting("ModelRepository:Root", Path.Combine(Root, "models", "repository"));
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
    }
}
