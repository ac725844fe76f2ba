using ResNetService.Trainer.Checkpoints;
using ResNetService.Trainer.Tests.Support;

namespace ResNetService.Trainer.Tests.Checkpoints;

/// <summary>How a checkpoint that is missing or damaged is reported, before any weights are read.</summary>
public sealed class CheckpointTests
{
    [Fact]
    public void A_folder_without_a_checkpoint_is_a_missing_file()
    {
        using var folder = new TempFolder();

        var error = Assert.Throws<FileNotFoundException>(() => Checkpoint.Resolve(folder.Path));

        Assert.Contains("No checkpoint", error.Message);
        Assert.Contains(Checkpoint.InfoPath(Path.Combine(folder.Path, Checkpoint.Best)), error.Message);
    }

    [Theory]
    [InlineData("{ not json", "is not valid")]
    [InlineData("null", "is empty")]
    public void A_damaged_info_file_is_invalid_data(string json, string expected)
    {
        using var folder = new TempFolder();
        var prefix = folder["best"];
        File.WriteAllText(Checkpoint.InfoPath(prefix), json);

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadInfo(prefix));

        Assert.Contains(Checkpoint.InfoPath(prefix), error.Message);
        Assert.Contains(expected, error.Message);
    }
}
