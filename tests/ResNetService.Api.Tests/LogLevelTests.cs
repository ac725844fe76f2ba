using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ResNetService.Api.Hosting;
using ResNetService.Api.Problems;
using Serilog.Events;

namespace ResNetService.Api.Tests;

/// <summary>
/// Overload and not-ready 503s are expected under load: Debug in the problem log and in request logging, so that
/// thousands of rejections a second cost no line at the default level; other failures keep their levels.
/// </summary>
public sealed class LogLevelTests
{
    public static TheoryData<string, LogLevel, LogEventLevel> Problems => new()
    {
        { ProblemKinds.Overloaded.Slug, LogLevel.Debug, LogEventLevel.Debug },
        { ProblemKinds.NotReady.Slug, LogLevel.Debug, LogEventLevel.Debug },
        { ProblemKinds.QueueTimeout.Slug, LogLevel.Debug, LogEventLevel.Debug },
        { ProblemKinds.RateLimited.Slug, LogLevel.Debug, LogEventLevel.Debug },
        { ProblemKinds.InternalError.Slug, LogLevel.Warning, LogEventLevel.Error },
        { ProblemKinds.RequestTooLarge.Slug, LogLevel.Warning, LogEventLevel.Information },
        { ProblemKinds.MissingImage.Slug, LogLevel.Warning, LogEventLevel.Information },
        { ProblemKinds.ModelNotFound.Slug, LogLevel.Warning, LogEventLevel.Information },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void A_problem_is_logged_at_its_level_by_the_problem_log_and_by_request_logging(
        string slug, LogLevel problemLevel, LogEventLevel requestLevel)
    {
        var kind = ProblemKinds.All.Single(k => k.Slug == slug);
        var httpContext = Context("/classify");
        var logger = new RecordingLogger();

        ProblemDetailsSetup.LogProblem(logger, httpContext, kind.ToProblemDetails("detail"));
        httpContext.Response.StatusCode = kind.Status;

        Assert.Equal([problemLevel], logger.Levels);
        Assert.Equal(requestLevel, LoggingSetup.RequestLevel(httpContext, 1.0, null));
    }

    [Fact]
    public void A_503_that_is_not_an_expected_rejection_stays_an_error()
    {
        var httpContext = Context("/classify");
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;

        Assert.Equal(LogEventLevel.Error, LoggingSetup.RequestLevel(httpContext, 1.0, null));
    }

    [Fact]
    public void An_exception_is_an_error_even_on_a_request_marked_overloaded()
    {
        var httpContext = Context("/classify");
        ExpectedUnavailability.Mark(httpContext, refusal: true);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;

        Assert.Equal(LogEventLevel.Error, LoggingSetup.RequestLevel(httpContext, 1.0, new InvalidOperationException()));
    }

    [Theory]
    [InlineData("/health/live", LogEventLevel.Debug)]
    [InlineData("/v2/health/ready", LogEventLevel.Debug)]
    [InlineData("/classify", LogEventLevel.Information)]
    [InlineData("/", LogEventLevel.Information)] // the try-it page
    public void A_successful_request_is_information_and_a_probe_debug(string path, LogEventLevel level)
    {
        Assert.Equal(level, LoggingSetup.RequestLevel(Context(path), 1.0, null));
    }

    private static DefaultHttpContext Context(string path)
    {
        var httpContext = new DefaultHttpContext();
        httpContext.Request.Method = "POST";
        httpContext.Request.Path = path;
        return httpContext;
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<LogLevel> Levels { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Levels.Add(logLevel);
    }
}
