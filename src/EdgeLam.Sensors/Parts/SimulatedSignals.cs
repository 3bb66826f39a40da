using EdgeLam.Sensors.Simulation;

namespace EdgeLam.Sensors.Parts;

/// <summary>Seeded signals that feed a simulated chip: per channel from the device's <c>Signals</c>, else a default.</summary>
internal static class SimulatedSignals
{
    public static SignalGenerator For(PartContext c, string key, SignalOptions fallback, int salt) =>
        new(Options(c, key, fallback), c.Device.RateHz, c.Seed + salt);

    public static SignalOptions Options(PartContext c, string key, SignalOptions fallback) =>
        c.Device.Signals.TryGetValue(key, out var s) ? s : c.Device.Signals.TryGetValue("*", out var all) ? all : fallback;

    public static double Finite(double v, double fallback) => double.IsFinite(v) ? v : fallback;
}
