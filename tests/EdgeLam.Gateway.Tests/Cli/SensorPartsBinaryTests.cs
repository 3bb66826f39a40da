using System.Globalization;
using System.Text.Json.Nodes;
using EdgeLam.Sensors.Parts;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Cli;

/// <summary>
/// Every part of <see cref="PartCatalogue.Default"/> through the NativeAOT binary's <c>sensors read</c>: the .NET IoT
/// drivers and UnitsNet as ILC compiled them (with UnitsNet.Substitutions.xml), on simulated I2C buses and a w1 folder.
/// </summary>
public sealed class SensorPartsBinaryTests
{
    /// <summary>A DS18B20 reading as the kernel's w1_therm driver prints it (CRC checked: YES), 23.125 °C.</summary>
    private const string W1Slave = "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n";

    private const string W1DeviceId = "28-0316a2794fff";

    [AotFact]
    public void SensorsRead_BoardWithEveryCataloguePart_EveryPartReportsGoodFiniteValues()
    {
        using var dir = new TempDirectory("edgelam-parts-");
        var (board, devices) = WriteBoard(dir);
        var count = devices.Count * 6;

        var result = EdgeLamProcess.Run(AotBinary.Path, ["sensors", "read", "--board", board, "--count", count.ToString(CultureInfo.InvariantCulture), "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var readings = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(count, readings.Count);
        foreach (var (device, kind) in devices)
        {
            var own = readings.Where(r => (string)r["source"]! == device).ToList();
            Assert.True(own.Count > 0, kind + " (" + device + ") gave no reading:\n" + result);
            foreach (var reading in own)
            {
                var values = reading["values"]!.AsObject();
                Assert.NotEmpty(values);
                foreach (var (channel, value) in values)
                {
                    Assert.True((string)value!["quality"]! == "Good", kind + "." + channel + ": " + value.ToJsonString());
                    Assert.True(value["value"] is JsonValue v && double.IsFinite(v.GetValue<double>()), kind + "." + channel + " is not finite: " + value.ToJsonString());
                }
            }
        }

        // The w1 fixture holds one fixed reading, so its value is known: t=23125 is 23.125 °C.
        var ds18b20 = devices.Single(d => d.Kind == "ds18b20").Device;
        Assert.All(
            readings.Where(r => (string)r["source"]! == ds18b20),
            r => Assert.Equal(23.125, (double)r["values"]!["temperature"]!["value"]!, 6));
    }

    /// <summary>A board profile with one device per catalogue part; returns its path and (device name, part kind).</summary>
    private static (string Path, List<(string Device, string Kind)> Devices) WriteBoard(TempDirectory dir)
    {
        var w1 = dir.Combine("w1");
        Directory.CreateDirectory(Path.Combine(w1, W1DeviceId));
        File.WriteAllText(Path.Combine(w1, W1DeviceId, "w1_slave"), W1Slave);

        // Parts sharing an address go on separate simulated buses.
        var buses = new JsonObject
        {
            ["w1"] = new JsonObject { ["Kind"] = "w1", ["Path"] = w1 },
        };
        var taken = new List<HashSet<int>>();
        var devices = new JsonObject();
        var list = new List<(string, string)>();
        foreach (var part in PartCatalogue.Default.Parts)
        {
            var device = new JsonObject { ["Driver"] = part.Kind, ["RateHz"] = 20 };
            if (part.Bus == PartBus.OneWire)
            {
                device["Bus"] = "w1";
            }
            else
            {
                var address = part.Addresses[0];
                var bus = taken.FindIndex(t => !t.Contains(address));
                if (bus < 0)
                {
                    taken.Add([]);
                    bus = taken.Count - 1;
                    buses["i2c-sim" + bus] = new JsonObject { ["Kind"] = "i2c", ["Path"] = "/dev/i2c-sim" + bus, ["Simulated"] = true };
                }

                taken[bus].Add(address);
                device["Bus"] = "i2c-sim" + bus;
                device["Address"] = "0x" + address.ToString("x2", CultureInfo.InvariantCulture);
            }

            foreach (var (key, value) in PartSettings(part.Kind))
            {
                device[key] = value;
            }

            var name = "dev-" + part.Kind;
            devices[name] = device;
            list.Add((name, part.Kind));
        }

        var board = new JsonObject
        {
            ["Board"] = new JsonObject { ["Name"] = "every-part", ["Description"] = "One device per catalogue part." },
            ["Sensors"] = new JsonObject { ["Seed"] = 7, ["Buses"] = buses, ["Devices"] = devices },
        };
        var path = dir.Combine("every-part.json");
        File.WriteAllText(path, board.ToJsonString());
        return (path, list);
    }

    /// <summary>Settings a part needs beyond driver, bus and address (docs/sensors.md).</summary>
    private static IEnumerable<(string Key, JsonNode Value)> PartSettings(string kind) => kind switch
    {
        "ads1115" => [("GainVolts", 4.096), ("DataRate", 860), ("Inputs", new JsonArray("AIN0", "AIN1"))],
        "mpu6050" => [("AccelRangeG", 4), ("GyroRangeDps", 500)],
        "ina219" => [("Options", new JsonObject { ["ShuntOhms"] = "0.1", ["MaxCurrentAmps"] = "3.2" })],
        "ds18b20" => [("Options", new JsonObject { ["DeviceId"] = W1DeviceId }), ("StuckAfter", 0)],
        _ => [],
    };
}
