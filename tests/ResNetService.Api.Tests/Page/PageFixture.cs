using Microsoft.Playwright;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Page;

/// <summary>
/// One service on a real loopback port (Kestrel, a free port, the small random-weight test model) and one headless
/// chromium for all the page's tests; each test opens its own browser context. A fixture for another service (a model
/// repository, a gated model) overrides <see cref="CreateService"/>.
/// </summary>
public class PageFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public TestModel Model { get; } = new();

    public ServiceFactory Service { get; private set; } = null!;

    /// <summary>Where the page is: the service's own address, ending in '/'.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Talks to the same service directly, for the answers the page must show.</summary>
    public HttpClient Client { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The service the page is served by (not started yet): the test model alone unless overridden.</summary>
    protected virtual ServiceFactory CreateService() => new(Model.Path);

    /// <summary>Waits (bounded) until the service is as the tests want it: ready, unless overridden.</summary>
    protected virtual Task WaitUntilServingAsync() => Service.WaitUntilReadyAsync();

    public async Task InitializeAsync()
    {
        Service = CreateService();
        Address = new Uri(Service.StartOnLoopback(), "/");
        Client = Service.CreateClient();
        await WaitUntilServingAsync();
        (_playwright, Browser) = await Chromium.LaunchAsync();
        // Playwright's assertions wait 5 s by default: too little for a model run on a busy 2-core machine running other tests.
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    /// <summary>A fresh browser context on the page, recording the script errors it raises.</summary>
    public async Task<PageSession> OpenAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Address.ToString() });
        var page = await context.NewPageAsync();
        var session = new PageSession(context, page);
        page.PageError += (_, error) => session.ScriptErrors.Add(error);
        var response = await page.GotoAsync("/");
        Assert.Equal(200, response?.Status);
        return session;
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Client?.Dispose();
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }

        Model.Dispose();
    }
}

/// <summary>One open page in its own browser context, and the uncaught script errors it had.</summary>
public sealed class PageSession(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public List<string> ScriptErrors { get; } = [];

    public ValueTask DisposeAsync() => new(context.CloseAsync());
}
