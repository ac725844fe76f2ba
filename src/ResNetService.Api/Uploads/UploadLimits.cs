using System.ComponentModel.DataAnnotations;

namespace ResNetService.Api.Uploads;

/// <summary>How much a client may send in one request (configuration section <c>Uploads</c>).</summary>
public sealed class UploadLimits
{
    public const string SectionName = "Uploads";

    /// <summary>Largest request body in bytes, multipart or raw; larger bodies get 413.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Most images in one <c>/classify/batch</c> request; more get 400.</summary>
    [Range(1, 1024)]
    public int MaxFilesPerBatch { get; set; } = 32;
}
