using System.Globalization;
using EdgeLam.Core.Configuration;
using EdgeLam.Sensors.Buses;
using EdgeLam.Sensors.Gpio;
using EdgeLam.Sensors.Parts;

namespace EdgeLam.Sensors.Configuration;

/// <summary>
/// Checks a <see cref="SensorsOptions"/> at start. Each problem names the key (full configuration path), the value
/// found and what is allowed.
/// </summary>
public static class SensorsOptionsValidator
{
    /// <summary>Sources that are not catalogue parts.</summary>
    public static readonly string[] BuiltInDrivers = ["iio", "signal", "replay", "mqtt"];

    /// <summary>Every Driver a device may name: the catalogue's part kinds, then the built-in sources.</summary>
    public static IEnumerable<string> Drivers => PartCatalogue.Default.Kinds.Concat(BuiltInDrivers);

    public static IReadOnlyList<ConfigProblem> Validate(SensorsOptions o)
    {
        var errors = new List<ConfigProblem>();
        const string S = SensorsOptions.SectionName;
        void Add(string key, object? value, string allowed) =>
            errors.Add(new ConfigProblem(key, value is null ? null : Format(value), allowed));

        foreach (var (name, bus) in o.Buses)
        {
            var key = $"{S}:Buses:{name}";
            if (bus.Kind is not ("i2c" or "iio" or "gpio" or "w1"))
            {
                Add(key + ":Kind", bus.Kind, "must be i2c, iio, gpio or w1");
            }

            if (string.IsNullOrWhiteSpace(bus.Path) && !bus.Simulated)
            {
                Add(key + ":Path", bus.Path, "must name the device node or sysfs root of a bus that is not Simulated");
            }
            else if (!bus.Simulated && bus.Kind == "i2c" && I2cBuses.BusId(bus.Path) is null)
            {
                Add(key + ":Path", bus.Path, "must be /dev/i2c-N");
            }
            else if (!bus.Simulated && bus.Kind == "gpio" && GpioDrivers.ChipNumber(bus.Path) is null)
            {
                Add(key + ":Path", bus.Path, "must be /dev/gpiochipN");
            }
        }

        foreach (var (name, d) in o.Devices)
        {
            ValidateDevice(o, $"{S}:Devices:{name}", d, Add);
        }

        foreach (var (name, line) in o.GpioLines)
        {
            var key = $"{S}:GpioLines:{name}";
            if (o.Devices.ContainsKey(name))
            {
                Add(key, name, "a GPIO line may not share its name with a device");
            }

            if (!o.Buses.TryGetValue(line.Bus, out var bus) || bus.Kind != "gpio")
            {
                Add(key + ":Bus", line.Bus, "must name a bus of Kind gpio in Sensors:Buses");
            }

            if (line.Line is < 0 or >= 1024)
            {
                Add(key + ":Line", line.Line, "must be a line offset between 0 and 1023");
            }

            if (line.Edge is not ("none" or "rising" or "falling" or "both"))
            {
                Add(key + ":Edge", line.Edge, "must be none, rising, falling or both");
            }

            if (!(line.RateHz > 0 && line.RateHz <= 1000))
            {
                Add(key + ":RateHz", line.RateHz, "must be > 0 and <= 1000");
            }
        }

        var chronos = o.Tokenizer.Chronos;
        var patch = o.Tokenizer.Patch;
        const string T = S + ":Tokenizer";
        if (chronos.Bins is < 2 or > 1_000_000)
        {
            Add(T + ":Chronos:Bins", chronos.Bins, "must be between 2 and 1000000");
        }

        if (!(chronos.Low < chronos.High) || !double.IsFinite(chronos.Low) || !double.IsFinite(chronos.High))
        {
            Add(T + ":Chronos:Low", chronos.Low, $"must be finite and below High ({Format(chronos.High)})");
        }

        if (chronos.PadId == chronos.EosId || chronos.PadId < 0 || chronos.EosId < 0 || chronos.TokenOffset < 0)
        {
            Add(T + ":Chronos:PadId", chronos.PadId, $"PadId and EosId ({chronos.EosId}) must be distinct and >= 0, TokenOffset >= 0");
        }

        if (chronos.FirstSeparatorId <= Math.Max(chronos.PadId, chronos.EosId))
        {
            Add(T + ":Chronos:FirstSeparatorId", chronos.FirstSeparatorId, "must be above PadId and EosId");
        }

        if (chronos.MaxStreams < o.Streams.Count)
        {
            Add(T + ":Chronos:MaxStreams", chronos.MaxStreams, $"must be at least the number of streams ({o.Streams.Count})");
        }

        if (patch.PatchLength is < 1 or > 1024)
        {
            Add(T + ":Patch:PatchLength", patch.PatchLength, "must be between 1 and 1024");
        }

        if (patch.HiddenSize is < 1 or > 65536)
        {
            Add(T + ":Patch:HiddenSize", patch.HiddenSize, "must be between 1 and 65536");
        }

        if (patch.EncoderPath is { Length: > 0 } encoder && !File.Exists(encoder))
        {
            Add(T + ":Patch:EncoderPath", encoder, "must be an existing ONNX file (or empty for the default encoder)");
        }

        foreach (var (name, s) in o.Streams)
        {
            var key = $"{S}:Streams:{name}";
            if (!o.Devices.ContainsKey(s.Device) && !o.GpioLines.ContainsKey(s.Device))
            {
                Add(key + ":Device", s.Device, "must name an entry of Sensors:Devices or Sensors:GpioLines");
            }

            if (s.WindowLength is < 2 or > 65536)
            {
                Add(key + ":WindowLength", s.WindowLength, "must be between 2 and 65536");
            }

            if (s.Hop < 1 || s.Hop > s.WindowLength)
            {
                Add(key + ":Hop", s.Hop, $"must be between 1 and WindowLength ({s.WindowLength})");
            }

            if (s.Tokenizer is not ("chronos" or "patch"))
            {
                Add(key + ":Tokenizer", s.Tokenizer, "must be chronos or patch");
            }
            else if (s.Tokenizer == "patch" && patch.PatchLength > 0 && s.WindowLength % patch.PatchLength != 0)
            {
                Add(key + ":WindowLength", s.WindowLength, $"must be a multiple of Sensors:Tokenizer:Patch:PatchLength ({patch.PatchLength}) for the patch tokenizer");
            }

            if (s.BadData is not ("impute" or "mask" or "drop"))
            {
                Add(key + ":BadData", s.BadData, "must be impute, mask or drop");
            }

            if (!(s.MaxBadFraction >= 0 && s.MaxBadFraction <= 1))
            {
                Add(key + ":MaxBadFraction", s.MaxBadFraction, "must be between 0 and 1");
            }
        }

        if (!(o.InitialBackoffSeconds > 0) || !(o.MaxBackoffSeconds >= o.InitialBackoffSeconds))
        {
            Add(S + ":InitialBackoffSeconds", o.InitialBackoffSeconds, $"must be > 0 and <= MaxBackoffSeconds ({Format(o.MaxBackoffSeconds)})");
        }

        return errors;
    }

    /// <summary>Parses "0x76" or "118"; null when invalid.</summary>
    public static int? ParseAddress(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        var ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? int.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value)
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
        return ok ? value : null;
    }

    private static void ValidateDevice(SensorsOptions o, string key, DeviceOptions d, Action<string, object?, string> add)
    {
        if (!Drivers.Contains(d.Driver))
        {
            add(key + ":Driver", d.Driver, "must be one of " + string.Join(", ", Drivers));
            return;
        }

        if (d.Driver is not ("replay" or "mqtt") && !(d.RateHz > 0 && d.RateHz <= 1000))
        {
            add(key + ":RateHz", d.RateHz, "must be > 0 and <= 1000");
        }

        if (d.StuckAfter < 0)
        {
            add(key + ":StuckAfter", d.StuckAfter, "must be >= 0 (0 disables the check)");
        }

        if (PartCatalogue.Default.TryGet(d.Driver, out var part))
        {
            ValidatePart(o, key, d, part, add);
        }

        switch (d.Driver)
        {
            case "iio":
                if (d.Bus is null || !o.Buses.TryGetValue(d.Bus, out var iioBus) || iioBus.Kind != "iio")
                {
                    add(key + ":Bus", d.Bus, "must name a bus of Kind iio in Sensors:Buses");
                }

                if (string.IsNullOrWhiteSpace(d.IioDevice))
                {
                    add(key + ":IioDevice", d.IioDevice, "must name an IIO device directory (iio:device0) or its name attribute");
                }

                break;
            case "signal" or "mqtt":
                if (d.Channels.Count == 0)
                {
                    add(key + ":Channels", "", $"must list at least one channel for {d.Driver}");
                }

                break;
            case "replay":
                if (string.IsNullOrWhiteSpace(d.Path))
                {
                    add(key + ":Path", d.Path, "must name a .csv or .jsonl replay file");
                }

                if (d.Channels.Count == 0)
                {
                    add(key + ":Channels", "", "must list the replayed channels");
                }

                if (!(d.Speed >= 0) || !double.IsFinite(d.Speed))
                {
                    add(key + ":Speed", d.Speed, "must be >= 0 (0 = as fast as possible)");
                }

                break;
        }

        if (d.Units.Count > 0 && d.Units.Count != d.Channels.Count)
        {
            add(key + ":Units", string.Join(",", d.Units), $"must have one unit per channel ({d.Channels.Count})");
        }
    }

    private static void ValidatePart(SensorsOptions o, string key, DeviceOptions d, PartDefinition part, Action<string, object?, string> add)
    {
        var busKind = part.Bus == PartBus.I2c ? "i2c" : "w1";
        if (d.Bus is null || !o.Buses.TryGetValue(d.Bus, out var bus) || bus.Kind != busKind)
        {
            add(key + ":Bus", d.Bus, $"must name a bus of Kind {busKind} in Sensors:Buses");
        }
        else if (part.Bus == PartBus.I2c && bus.Simulated && part.Simulate is null)
        {
            add(key + ":Bus", d.Bus, $"is simulated, and {d.Driver} has no simulated chip");
        }
        else if (part.Bus == PartBus.OneWire && bus.Simulated)
        {
            add(key + ":Bus", d.Bus, "a w1 bus cannot be simulated; point its Path at a directory laid out like /sys/bus/w1/devices");
        }

        if (part.Bus == PartBus.I2c)
        {
            var address = ParseAddress(d.Address);
            if (address is null || !part.Addresses.Contains(address.Value))
            {
                add(key + ":Address", d.Address, $"must be one of {string.Join(", ", part.Addresses.Select(a => $"0x{a:X2}"))} for {d.Driver}");
            }
        }

        part.Validate?.Invoke(d, (property, value, problem) => add(key + ":" + property, value, problem));
    }

    private static string Format(object value) => value switch
    {
        string s => s,
        double v => v.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
