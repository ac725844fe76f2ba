namespace ResNetService.Trainer.Tests.Weights;

/// <summary>How every reader fails: an InvalidDataException of one line that starts with the file's path.</summary>
internal static class WeightFileErrors
{
    public static string Message(string path, Action read)
    {
        var error = Assert.Throws<InvalidDataException>(read);
        Assert.StartsWith(path + " ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }
}
