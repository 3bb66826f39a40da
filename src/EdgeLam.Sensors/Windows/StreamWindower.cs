using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Quality;

namespace EdgeLam.Sensors.Windows;

/// <summary>
/// Cuts one stream into windows of <c>length</c> samples every <c>hop</c> samples. Each channel has its own bounded
/// ring (capacity = length) so polled sources (all channels per reading) and pushed sources (one channel per message)
/// share the same path. A window is due when every ring is full and every channel has at least <c>hop</c> new samples.
/// Gaps longer than <c>gapFactor</c> × the expected period flag the following sample AfterGap. The bad-data policy is
/// applied as the window is copied out.
/// </summary>
public sealed class StreamWindower
{
    private readonly SampleRing[] _rings;
    private readonly long[] _sinceLast;
    private readonly long _gapNs;
    private long _sequence;

    public StreamWindower(
        string stream,
        IReadOnlyList<SensorChannel> channels,
        int length,
        int hop,
        BadDataPolicy policy = BadDataPolicy.Impute,
        double maxBadFraction = 0.5,
        double expectedRateHz = 0,
        double gapFactor = 2.5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hop);
        if (channels.Count == 0)
        {
            throw new ArgumentException("a stream needs at least one channel", nameof(channels));
        }

        Stream = stream;
        Channels = channels;
        Length = length;
        Hop = hop;
        Policy = policy;
        MaxBadFraction = maxBadFraction;
        _rings = new SampleRing[channels.Count];
        for (var i = 0; i < _rings.Length; i++)
        {
            _rings[i] = new SampleRing(length);
        }

        _sinceLast = new long[channels.Count];
        _sinceLast.AsSpan().Fill(long.MaxValue / 2);
        _gapNs = expectedRateHz > 0 ? (long)(gapFactor * 1e9 / expectedRateHz) : long.MaxValue;
    }

    public string Stream { get; }

    public IReadOnlyList<SensorChannel> Channels { get; }

    public int Length { get; }

    public int Hop { get; }

    public BadDataPolicy Policy { get; }

    public double MaxBadFraction { get; }

    public long WindowsEmitted { get; private set; }

    public long WindowsDropped { get; private set; }

    /// <summary>Appends one channel's sample (flags AfterGap when it follows a gap).</summary>
    public void Append(int channel, SensorSample sample)
    {
        var ring = _rings[channel];
        if (ring.Last is { } last && sample.TimestampNs - last.TimestampNs > _gapNs)
        {
            sample = sample with { Quality = sample.Quality | SampleQuality.AfterGap };
        }

        ring.Append(sample);
        _sinceLast[channel]++;
    }

    /// <summary>Appends one reading of every channel (<paramref name="samples"/> in channel order).</summary>
    public void Append(ReadOnlySpan<SensorSample> samples)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            Append(i, samples[i]);
        }
    }

    public bool IsDue
    {
        get
        {
            for (var i = 0; i < _rings.Length; i++)
            {
                if (_rings[i].Count < Length || _sinceLast[i] < Hop)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Copies the latest window into <paramref name="window"/> when one is due and applies the policy.</summary>
    public WindowOutcome TryTakeWindow(SensorWindow window)
    {
        if (!IsDue)
        {
            return WindowOutcome.NotReady;
        }

        if (window.Channels != _rings.Length || window.Length != Length)
        {
            throw new ArgumentException("window shape does not match the stream", nameof(window));
        }

        var start = long.MaxValue;
        var end = long.MinValue;
        for (var c = 0; c < _rings.Length; c++)
        {
            _sinceLast[c] = 0;
            var values = window.Channel(c);
            var quality = window.ChannelQuality(c);
            for (var t = 0; t < Length; t++)
            {
                ref readonly var s = ref _rings[c].Recent(Length, t);
                values[t] = s.Value;
                quality[t] = s.Quality;
                start = Math.Min(start, s.TimestampNs);
                end = Math.Max(end, s.TimestampNs);
            }
        }

        window.StartNs = start;
        window.EndNs = end;
        window.Sequence = _sequence++;
        if (!WindowPolicy.Apply(window, Policy, MaxBadFraction))
        {
            WindowsDropped++;
            return WindowOutcome.Dropped;
        }

        WindowsEmitted++;
        return WindowOutcome.Emitted;
    }
}
