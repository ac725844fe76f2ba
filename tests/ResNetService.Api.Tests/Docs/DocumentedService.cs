using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ResNetService.Api.Tests.Support;
using ResNetService.TestSupport;

namespace ResNetService.Api.Tests.Docs;

/// <summary>
/// The service as the README's first set-up command runs it (the shipped default model, the shipped repository, every
/// other setting its default), on Kestrel at a free loopback port, so that documented commands can call it with curl.
/// </summary>
public sealed class DocumentedService : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static string Root => Checkout.Root;

    /// <summary>Where this instance serves, in place of <see cref="DocumentedRequest.Address"/>.</summary>
    public string Address { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Address = this.StartOnLoopback().ToString().TrimEnd('/');
        await this.WaitUntilReadyAsync();
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Model:Path", Path.Combine(Root, "models", "model.onnx"));
        builder.UseSetting("ModelRepository:Root", Path.Combine(Root, "models", "repository"));
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
    }
}
