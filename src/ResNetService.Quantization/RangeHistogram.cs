namespace ResNetService.Quantization;

/// <summary>
/// The values one tensor took during calibration, as a histogram whose span grows with what it sees, so that a
/// range can be chosen from the distribution rather than from its two most extreme values. Plain min/max lets one
/// outlier in a million stretch the scale and leave the bulk of the values a handful of the 256 levels.
/// </summary>
public sealed class RangeHistogram
{
    private const int Bins = 2048;

    private double[] _counts = new double[Bins];
    private float _low;
    private float _high;
    private long _total;

    /// <summary>The smallest and largest values seen.</summary>
    public TensorRange MinMax => new(_low, _high);

    public long Count => _total;

    public void Add(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        var (min, max) = (float.PositiveInfinity, float.NegativeInfinity);
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                (min, max) = (Math.Min(min, v), Math.Max(max, v));
            }
        }

        if (min > max)
        {
            return; // Nothing finite to count.
        }

        Cover(min, max);
        var width = BinWidth;
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                _counts[Math.Clamp((int)((v - _low) / width), 0, Bins - 1)]++;
            }
        }

        _total += values.Length;
    }

    /// <summary>
    /// The range holding all but the outer (100 - <paramref name="percentile"/>)% of values at each end, e.g. 99.99:
    /// the lowest and highest 0.01% are clipped. Where a tail is empty (a ReLU's zeros), that end stays the extreme.
    /// </summary>
    public TensorRange Percentile(double percentile)
    {
        if (_total == 0)
        {
            return new TensorRange(0, 0);
        }

        var tail = (100 - percentile) / 100 * _total;
        var width = BinWidth;
        double seen = 0;
        var lowBin = 0;
        while (lowBin < Bins - 1 && seen + _counts[lowBin] <= tail)
        {
            seen += _counts[lowBin++];
        }

        seen = 0;
        var highBin = Bins - 1;
        while (highBin > lowBin && seen + _counts[highBin] <= tail)
        {
            seen += _counts[highBin--];
        }

        return new TensorRange(_low + lowBin * width, Math.Min(_high, _low + (highBin + 1) * width));
    }

    private float BinWidth => Math.Max((_high - _low) / Bins, float.Epsilon);

    /// <summary>Widens the span to [min, max] when needed, moving the counts so far into the bins of the wider span.</summary>
    private void Cover(float min, float max)
    {
        if (_total == 0)
        {
            (_low, _high) = (min, max);
            return;
        }

        if (min >= _low && max <= _high)
        {
            return;
        }

        var (oldLow, oldWidth) = (_low, BinWidth);
        (_low, _high) = (Math.Min(_low, min), Math.Max(_high, max));
        var counts = new double[Bins];
        var width = BinWidth;
        for (var bin = 0; bin < Bins; bin++)
        {
            if (_counts[bin] > 0)
            {
                var centre = oldLow + (bin + 0.5f) * oldWidth;
                counts[Math.Clamp((int)((centre - _low) / width), 0, Bins - 1)] += _counts[bin];
            }
        }

        _counts = counts;
    }
}
