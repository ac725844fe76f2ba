using Microsoft.Playwright;
using ResNetService.TestSupport;

namespace ResNetService.Api.Tests.Page;

/// <summary>
/// Debian's <c>chromium</c>, installed with apt-get when missing, driven headless by Playwright for .NET. Playwright's
/// driver (a Node.js program) ships inside its NuGet package and is copied beside the tests, so nothing is downloaded:
/// its own browser builds are never installed, the browser is the system's, named by its path.
/// </summary>
public static class Chromium
{
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var executable = DebianPackages.Require("chromium", "chromium");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                // Chromium refuses to start its sandbox as root, which is who runs the tests in CI and in containers.
                Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
