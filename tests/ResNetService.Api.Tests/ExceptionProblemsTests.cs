using Microsoft.AspNetCore.Http;
using ResNetService.Api.Problems;
using ResNetService.Inference;

namespace ResNetService.Api.Tests;

/// <summary>The mapping from exceptions to problem kinds, including paths a test server cannot reach (Kestrel's own limit).</summary>
public sealed class ExceptionProblemsTests
{
    public static TheoryData<Exception, string> Mappings => new()
    {
        { new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge), ProblemKinds.RequestTooLarge.Slug },
        { new BadHttpRequestException("Failed to bind parameter.", StatusCodes.Status400BadRequest), ProblemKinds.BadParameter.Slug },
        { new InvalidDataException("Multipart body length limit 16384 exceeded."), ProblemKinds.RequestTooLarge.Slug },
        { new InvalidDataException("Unexpected end of stream."), ProblemKinds.InternalError.Slug },
        { new ImageRejectedException(ImageProblem.NotAnImage, "x"), ProblemKinds.NotAnImage.Slug },
        { new ImageRejectedException(ImageProblem.Corrupt, "x"), ProblemKinds.NotAnImage.Slug },
        { new ImageRejectedException(ImageProblem.UnsupportedFormat, "x"), ProblemKinds.UnsupportedMediaType.Slug },
        { new ImageRejectedException(ImageProblem.TooManyPixels, "x"), ProblemKinds.TooManyPixels.Slug },
        { new ImageRejectedException(ImageProblem.TooManyBytes, "x"), ProblemKinds.RequestTooLarge.Slug },
        { new OverloadedException(TimeSpan.FromSeconds(2)), ProblemKinds.Overloaded.Slug },
        { new ModelNotReadyException(), ProblemKinds.NotReady.Slug },
        { new NullReferenceException("secret internals"), ProblemKinds.InternalError.Slug },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public void Each_exception_maps_to_its_kind(Exception exception, string slug)
    {
        Assert.Equal(slug, ExceptionProblems.Describe(exception).Kind.Slug);
    }

    [Fact]
    public void Only_the_multipart_readers_end_of_stream_is_a_truncated_body()
    {
        Assert.True(ExceptionProblems.IsTruncatedBody(new IOException("Unexpected end of Stream, the content may have already been read by another component. ")));
        Assert.True(ExceptionProblems.IsTruncatedBody(new IOException("Unexpected end of Stream.")));
        Assert.False(ExceptionProblems.IsTruncatedBody(new IOException("No space left on device")));
        Assert.False(ExceptionProblems.IsTruncatedBody(new FileNotFoundException("Unexpected end of Stream")));
    }

    [Fact]
    public void An_unexpected_exception_tells_the_client_nothing_of_its_message()
    {
        var problem = ExceptionProblems.Describe(new InvalidOperationException("connection string=secret"));

        Assert.DoesNotContain("secret", problem.Detail);
    }

    [Fact]
    public void Overloaded_carries_its_retry_delay()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), ExceptionProblems.Describe(new OverloadedException(TimeSpan.FromSeconds(2))).RetryAfter);
    }
}
