using System.Net;
using System.Text.RegularExpressions;
using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Page;

/// <summary>
/// The page's files are served at <c>/</c> beside the API, which keeps its routes: an unknown path is still a 404 with
/// problem details, not a page.
/// </summary>
[Collection(ServiceTestCollection.Name)]
public sealed class PageFilesTests(ServiceFixture fixture)
{
    [Theory]
    [InlineData("/", "text/html", "id=\"image-input\"")]
    [InlineData("/index.html", "text/html", "app.js")]
    [InlineData("/app.js", "text/javascript", "fetch(\"models\"")]
    [InlineData("/app.css", "text/css", ".drop-zone")]
    public async Task The_page_and_its_files_are_served(string path, string mediaType, string content)
    {
        using var response = await fixture.Client.GetAsync(path);

        await Requests.EnsureSuccessAsync(response);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(content, await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoCache, "the browser revalidates the page's unversioned files");
    }

    [Fact]
    public async Task The_page_loads_nothing_from_elsewhere()
    {
        var html = await fixture.Client.GetStringAsync("/");
        var script = await fixture.Client.GetStringAsync("/app.js");

        Assert.DoesNotMatch(new Regex("""(src|href)\s*=\s*["']?(https?:)?//"""), html);
        Assert.DoesNotMatch(new Regex("""fetch\(\s*["'`](https?:)?//"""), script);
        Assert.Matches(new Regex("""<script src="app.js"""), html);
    }

    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/classify/nothing")]
    public async Task An_unknown_path_is_still_a_404_with_problem_details(string path)
    {
        using var response = await fixture.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal(404, problem.Status);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/model")]
    [InlineData("/swagger/v1/swagger.json")]
    [InlineData("/metrics")]
    public async Task The_service_routes_answer_as_before(string path)
    {
        using var response = await fixture.Client.GetAsync(path);

        await Requests.EnsureSuccessAsync(response);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
