using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ResNetService.Api.Problems;
using ResNetService.Api.Telemetry;
using ResNetService.Inference.Memory;

namespace ResNetService.Api.Uploads;

/// <summary>
/// Reads images out of a request, enforcing <see cref="UploadLimits"/>: one image as a multipart field or as the raw
/// body with an <c>image/*</c> or <c>application/octet-stream</c> content type, or several as a multipart field. The
/// format is told from the bytes, never from the content type. Every refusal is an <see cref="ApiProblemException"/>.
/// What it buffers in memory (the raw body, the copies of form files) is first taken from the <see cref="MemoryBudget"/>
/// and held until the response is done (waiting its turn, or 503 when there is no room in time).
/// </summary>
public sealed class ImageUploadReader(IOptions<UploadLimits> options, MemoryBudget? memory = null)
{
    public const string SingleField = "image";
    public const string BatchField = "images";
    public const string OctetStream = "application/octet-stream";

    private UploadLimits Limits => options.Value;

    public async Task<UploadedImage> ReadSingleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var span = ApiActivities.Source.StartActivity(ApiActivities.ReadUpload);
        if (request.HasFormContentType)
        {
            var form = await ReadFormAsync(request, cancellationToken);
            var file = form.Files.GetFile(SingleField)
                ?? throw new ApiProblemException(ProblemKinds.MissingImage, $"The multipart form has no file field '{SingleField}'.");
            await ReserveAsync(request, file.Length, cancellationToken);
            return await ReadFileAsync(file, cancellationToken);
        }

        if (IsRawImageContentType(request.ContentType))
        {
            return await ReadBodyAsync(request, cancellationToken);
        }

        if (string.IsNullOrEmpty(request.ContentType) && request.ContentLength is null or 0)
        {
            throw new ApiProblemException(ProblemKinds.MissingImage,
                $"The request is empty. Send an image as multipart field '{SingleField}' or as the raw body with an image/* or {OctetStream} content type.");
        }

        throw new ApiProblemException(ProblemKinds.UnsupportedMediaType,
            $"Content type '{request.ContentType}' is not accepted. Send multipart/form-data with field '{SingleField}', or the raw image with an image/* or {OctetStream} content type.");
    }

    public async Task<IReadOnlyList<UploadedImage>> ReadBatchAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var span = ApiActivities.Source.StartActivity(ApiActivities.ReadUpload);
        if (!request.HasFormContentType)
        {
            throw new ApiProblemException(ProblemKinds.UnsupportedMediaType,
                $"Content type '{request.ContentType}' is not accepted. Send multipart/form-data with one or more files in field '{BatchField}'.");
        }

        var form = await ReadFormAsync(request, cancellationToken);
        var files = form.Files.GetFiles(BatchField);
        if (files.Count == 0)
        {
            throw new ApiProblemException(ProblemKinds.MissingImage, $"The multipart form has no file in field '{BatchField}'.");
        }

        if (files.Count > Limits.MaxFilesPerBatch)
        {
            throw new ApiProblemException(ProblemKinds.TooManyFiles,
                $"The request has {files.Count} files; at most {Limits.MaxFilesPerBatch} are allowed.");
        }

        await ReserveAsync(request, files.Sum(file => file.Length), cancellationToken);
        var images = new List<UploadedImage>(files.Count);
        foreach (var file in files)
        {
            // An empty member is that member's problem, not the batch's: the decoder reports it per image.
            images.Add(new UploadedImage(file.FileName, await ReadAllAsync(file, cancellationToken)));
        }

        return images;
    }

    private async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        RejectDeclaredLength(request);
        // The form reader's other limits keep their defaults (e.g. 1024 parts): far more files than that is
        // a body-size problem, not a batch-size one.
        request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions
        {
            MultipartBodyLengthLimit = Limits.MaxRequestBytes,
        }));
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException exception) when (ExceptionProblems.IsFormLimit(exception))
        {
            throw new ApiProblemException(ProblemKinds.RequestTooLarge,
                $"The form exceeds the limits of {Limits.MaxRequestBytes} bytes and {Limits.MaxFilesPerBatch} files.");
        }
        catch (InvalidDataException exception)
        {
            // The form reader's own words (e.g. a boundary over its 128 characters) tell the client what to fix.
            throw new ApiProblemException(ProblemKinds.MissingImage, $"The multipart body is malformed: {exception.Message}");
        }
        catch (IOException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-body: nobody is left to answer, and it is no fault of the service.
            throw new OperationCanceledException(request.HttpContext.RequestAborted);
        }
        catch (IOException exception) when (ExceptionProblems.IsTruncatedBody(exception))
        {
            throw new ApiProblemException(ProblemKinds.MissingImage,
                "The multipart body is malformed: it ends before its closing boundary.");
        }
    }

    private static async Task<UploadedImage> ReadFileAsync(IFormFile file, CancellationToken cancellationToken)
    {
        if (file.Length == 0)
        {
            throw new ApiProblemException(ProblemKinds.MissingImage, $"The file '{file.FileName}' is empty.");
        }

        return new UploadedImage(file.FileName, await ReadAllAsync(file, cancellationToken));
    }

    private static async Task<byte[]> ReadAllAsync(IFormFile file, CancellationToken cancellationToken)
    {
        var bytes = new byte[file.Length];
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    private async Task<UploadedImage> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        RejectDeclaredLength(request);
        // Without a declared length the buffer grows by doubling and is copied at the end: up to three times the limit.
        await ReserveAsync(request, request.ContentLength ?? 3 * Limits.MaxRequestBytes, cancellationToken);
        using var buffer = new MemoryStream(capacity: (int)Math.Min(request.ContentLength ?? 0, Limits.MaxRequestBytes));
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > Limits.MaxRequestBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            throw new ApiProblemException(ProblemKinds.MissingImage, "The request body is empty.");
        }

        // A body of its declared length fills the buffer exactly: hand that over rather than a second copy.
        return new UploadedImage("body", buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray());
    }

    /// <summary>Takes <paramref name="bytes"/> from the memory budget until the response is done.</summary>
    private async Task ReserveAsync(HttpRequest request, long bytes, CancellationToken cancellationToken)
    {
        if (memory is null)
        {
            return;
        }

        try
        {
            request.HttpContext.Response.RegisterForDispose(await memory.AcquireAsync(bytes, MemoryUse.Upload, cancellationToken));
        }
        catch (MemoryBudgetExceededException e)
        {
            throw new ApiProblemException(ProblemKinds.RequestTooLarge, $"The request's images cannot be held in memory here. {e.Message}");
        }
    }

    private void RejectDeclaredLength(HttpRequest request)
    {
        if (request.ContentLength > Limits.MaxRequestBytes)
        {
            throw TooLarge();
        }
    }

    private ApiProblemException TooLarge() =>
        new(ProblemKinds.RequestTooLarge, $"The request body exceeds the limit of {Limits.MaxRequestBytes} bytes.");

    /// <summary>
    /// <c>image/*</c>, or <c>application/octet-stream</c>: what most HTTP clients send for a file when not told
    /// otherwise. Either way the decoder tells the format from the bytes.
    /// </summary>
    private static bool IsRawImageContentType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && (mediaType.Type.Equals("image", StringComparison.OrdinalIgnoreCase)
            || mediaType.MediaType.Equals(OctetStream, StringComparison.OrdinalIgnoreCase));
}
