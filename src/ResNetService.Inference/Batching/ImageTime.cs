namespace ResNetService.Inference.Batching;

/// <summary>
/// The measured time per image of one model: a decayed mean over its recent runs, weighted by their rows, so that a
/// full batch counts more than a lone image and a change of speed (another model busy, a warmer cache) shows within a
/// few runs. Written by the batcher's one consumer, read by any thread.
/// </summary>
public sealed class ImageTime
{
    /// <summary>The weight an earlier run keeps at each new one.</summary>
    private const double Decay = 0.8;

    private double _seconds, _rows;
    private long _ticksPerImage;

    /// <summary>Zero until a run was measured.</summary>
    public TimeSpan PerImage => TimeSpan.FromTicks(Volatile.Read(ref _ticksPerImage));

    public void Record(int rows, TimeSpan elapsed)
    {
        _seconds = _seconds * Decay + elapsed.TotalSeconds;
        _rows = _rows * Decay + rows;
        Volatile.Write(ref _ticksPerImage, (long)(_seconds / _rows * TimeSpan.TicksPerSecond));
    }
}
