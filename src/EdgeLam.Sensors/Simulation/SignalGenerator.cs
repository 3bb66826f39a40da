namespace EdgeLam.Sensors.Simulation;

/// <summary>What <see cref="SignalGenerator.Next"/> injected into the sample it returned.</summary>
public enum SignalAnomaly
{
    None,
    Spike,
    Dropout,
    Stuck,
}

/// <summary>
/// A deterministic seeded signal indexed by sample number (t = n / rate), so the same seed and rate give the same values
/// however the scheduler's timing jitters.
/// </summary>
public sealed class SignalGenerator
{
    private readonly SignalOptions _options;
    private readonly double _sampleRateHz;
    private readonly Random _random;
    private long _index;
    private int _stuckRemaining;
    private double _lastValue;

    public SignalGenerator(SignalOptions options, double sampleRateHz, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRateHz);
        _options = options.Clone();
        _sampleRateHz = sampleRateHz;
        _random = new Random(seed);
    }

    public long Index => _index;

    public SignalAnomaly LastAnomaly { get; private set; }

    /// <summary>The next sample (NaN for an injected dropout).</summary>
    public double Next()
    {
        var t = _index / _sampleRateHz;
        _index++;
        var o = _options;
        var phase = o.PeriodSeconds > 0 ? t / o.PeriodSeconds : 0;
        var periodic = o.Waveform.ToUpperInvariant() switch
        {
            "SQUARE" => phase - Math.Floor(phase) < 0.5 ? 1.0 : -1.0,
            "SAWTOOTH" => (2.0 * (phase - Math.Floor(phase))) - 1.0,
            "CONSTANT" => 0.0,
            _ => Math.Sin(2 * Math.PI * phase),
        };
        var value = o.Offset + (o.Amplitude * periodic) + (o.DriftPerSecond * t) + (o.Noise * Gaussian());

        // Draw the anomaly decision every sample so the random sequence does not depend on earlier branches.
        var roll = _random.NextDouble();
        var kind = _random.Next(3);
        LastAnomaly = SignalAnomaly.None;
        if (_stuckRemaining > 0)
        {
            _stuckRemaining--;
            LastAnomaly = SignalAnomaly.Stuck;
            return _lastValue;
        }

        if (roll < o.AnomalyRate)
        {
            switch (kind)
            {
                case 0:
                    LastAnomaly = SignalAnomaly.Spike;
                    value += Math.Max(1.0, o.SpikeScale) * Math.Max(Math.Abs(o.Amplitude), 1e-9);
                    break;
                case 1:
                    LastAnomaly = SignalAnomaly.Dropout;
                    return double.NaN;
                default:
                    LastAnomaly = SignalAnomaly.Stuck;
                    _stuckRemaining = 20;
                    break;
            }
        }

        _lastValue = value;
        return value;
    }

    private double Gaussian()
    {
        // Box–Muller; two uniform draws per sample keep the sequence aligned.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
