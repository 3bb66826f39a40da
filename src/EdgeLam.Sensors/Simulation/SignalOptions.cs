namespace EdgeLam.Sensors.Simulation;

/// <summary>Shape of a simulated signal: offset + periodic component + drift + Gaussian noise + injected anomalies.</summary>
public sealed class SignalOptions
{
    public double Offset { get; set; }

    public double Amplitude { get; set; } = 1.0;

    public double PeriodSeconds { get; set; } = 10.0;

    /// <summary>Sine, Square, Sawtooth or Constant.</summary>
    public string Waveform { get; set; } = "Sine";

    /// <summary>Standard deviation of additive Gaussian noise.</summary>
    public double Noise { get; set; }

    /// <summary>Linear drift per second.</summary>
    public double DriftPerSecond { get; set; }

    /// <summary>Probability per sample of an anomaly (spike, dropout or a stuck run).</summary>
    public double AnomalyRate { get; set; }

    /// <summary>Height of a spike in multiples of <see cref="Amplitude"/> (at least 1).</summary>
    public double SpikeScale { get; set; } = 5.0;

    public SignalOptions Clone() => (SignalOptions)MemberwiseClone();
}
