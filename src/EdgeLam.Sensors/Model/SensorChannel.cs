namespace EdgeLam.Sensors.Model;

/// <summary>A named channel of a source with its unit and physically plausible range.</summary>
public sealed record SensorChannel(string Name, string Unit, double Minimum = double.NegativeInfinity, double Maximum = double.PositiveInfinity);
