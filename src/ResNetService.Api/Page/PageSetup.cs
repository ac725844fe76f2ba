using Microsoft.Net.Http.Headers;

namespace ResNetService.Api.Page;

/// <summary>
/// The try-it page at <c>/</c>: plain static files from <c>wwwroot</c> (<c>index.html</c>, <c>app.js</c>, <c>app.css</c>)
/// that list the ready models of <c>GET /models</c> and call the chosen version's <c>/models/{name}/versions/{version}</c>
/// (its description), <c>.../classify</c> and <c>.../explain</c> from the browser. A path that is no file falls through
/// to the endpoints, and an unknown one still gets problem details.
/// </summary>
public static class PageSetup
{
    public static IApplicationBuilder UseTryItPage(this IApplicationBuilder app)
    {
        app.UseDefaultFiles(); // "/" is served as "/index.html".
        app.UseStaticFiles(new StaticFileOptions
        {
            // The files carry no version in their names: the browser asks again (a cheap 304) instead of keeping an old page.
            OnPrepareResponse = context => context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        });
        return app;
    }
}
