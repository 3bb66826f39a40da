namespace EdgeLam.Sensors.Parts;

/// <summary>
/// The parts a board profile can name by <c>Driver</c>: kind → <see cref="PartDefinition"/>. <see cref="Default"/>
/// holds the built-in parts and is what the validator and <see cref="Composition.DeviceFactory"/> consult; a program
/// that needs another .NET IoT binding adds its definition to it once at start, before the sensor options are validated
/// (plain delegates: no reflection, NativeAOT-safe). Not synchronised: add parts before the sensors start.
/// </summary>
public sealed class PartCatalogue
{
    private readonly Dictionary<string, PartDefinition> _parts = new(StringComparer.Ordinal);
    private readonly List<PartDefinition> _ordered = [];

    /// <summary>The built-in parts.</summary>
    public static PartCatalogue Default { get; } = CreateDefault();

    /// <summary>The parts in the order they were added.</summary>
    public IReadOnlyList<PartDefinition> Parts => _ordered;

    public IEnumerable<string> Kinds => _ordered.Select(p => p.Kind);

    /// <summary>A catalogue with every built-in part.</summary>
    public static PartCatalogue CreateDefault() => new PartCatalogue()
        .Add(BoschParts.Bme280Part)
        .Add(BoschParts.Bmp280Part)
        .Add(BoschParts.Bmp180Part)
        .Add(MotionParts.Mpu6050Part)
        .Add(AdcParts.Ads1115Part)
        .Add(AdcParts.Ina219Part)
        .Add(LightHumidityParts.Sht3xPart)
        .Add(LightHumidityParts.Bh1750Part)
        .Add(OneWireParts.Ds18b20Part);

    /// <summary>Adds a part; a kind already present is an error (one kind, one part).</summary>
    public PartCatalogue Add(PartDefinition part)
    {
        ArgumentNullException.ThrowIfNull(part);
        if (!_parts.TryAdd(part.Kind, part))
        {
            throw new ArgumentException($"part kind '{part.Kind}' is already in the catalogue", nameof(part));
        }

        _ordered.Add(part);

        return this;
    }

    public bool TryGet(string kind, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PartDefinition? part) =>
        _parts.TryGetValue(kind, out part);
}
