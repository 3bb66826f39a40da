namespace EdgeLam.Sensors.Iio;

/// <summary>
/// One IIO channel as found in sysfs: the value file (<c>in_X_raw</c> or <c>in_X_input</c>), its offset and scale, and the
/// factor from the ABI unit to the unit reported.
/// </summary>
public sealed record IioChannel(string Name, string ValuePath, bool IsProcessed, double Offset, double Scale, string Unit, double UnitFactor);
