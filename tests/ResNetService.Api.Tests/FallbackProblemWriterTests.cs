using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ResNetService.Api.Hosting;
using ResNetService.Api.Problems;
using Serilog.Events;

namespace ResNetService.Api.Tests;

/// <summary>
/// A client whose Accept header names no JSON type still gets problem+json, and the problem is still logged and
/// marked: otherwise an overload 503 would go unmarked, and request logging would log it as an error.
/// </summary>
public sealed class FallbackProblemWriterTests
{
    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml, image/*")]
    public async Task A_problem_for_a_client_that_accepts_no_json_is_written_as_json_and_marked(string accept)
    {
        var services = new ServiceCollection().AddLogging().AddServiceProblemDetails().BuildServiceProvider();
        var body = new MemoryStream();
        var httpContext = new DefaultHttpContext { RequestServices = services };
        httpContext.Request.Headers.Accept = accept;
        httpContext.Response.Body = body;
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;

        var written = await services.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = ProblemKinds.Overloaded.ToProblemDetails("busy"),
        });

        Assert.True(written);
        Assert.Equal("application/problem+json", httpContext.Response.ContentType?.Split(';')[0]);
        var problem = JsonDocument.Parse(body.ToArray()).RootElement;
        Assert.Equal(ProblemKinds.Overloaded.Type, problem.GetProperty("type").GetString());
        Assert.True(problem.TryGetProperty("requestId", out _)); // decorated like every other problem
        Assert.True(ExpectedUnavailability.IsMarked(httpContext));
        Assert.Equal(LogEventLevel.Debug, LoggingSetup.RequestLevel(httpContext, 1.0, null));
    }
}
