using EdgeLam.Sensors.Composition;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Parts;
using EdgeLam.Sensors.Scheduling;
using EdgeLam.Testing;
using Microsoft.Extensions.Configuration;

namespace EdgeLam.Sensors.Tests.Parts;

/// <summary>The configuration-driven catalogue: board profile JSON names parts by kind; the registry builds them.</summary>
public class CatalogueTests
{
    [Fact]
    public void Default_HoldsTheBuiltInParts()
    {
        Assert.Equal(
            ["bme280", "bmp280", "bmp180", "mpu6050", "ads1115", "ina219", "sht3x", "bh1750", "ds18b20"],
            PartCatalogue.Default.Kinds);
        Assert.All(PartCatalogue.Default.Parts.Where(p => p.Bus == PartBus.I2c), p => Assert.NotNull(p.Simulate));
    }

    [Fact]
    public void Add_SameKindTwice_Throws()
    {
        var catalogue = PartCatalogue.CreateDefault();

        Assert.Throws<ArgumentException>(() => catalogue.Add(new PartDefinition
        {
            Kind = "sht3x",
            Summary = "duplicate",
            Channels = _ => [],
            Open = (_, _) => throw new InvalidOperationException(),
        }));
    }

    [Fact]
    public void BoardProfileJson_NewPartsOnSimulatedBus_RunHealthyWithPlausibleValues()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("board.json");
        File.WriteAllText(path, """
        {
          "Board": { "Name": "catalogue" },
          "Sensors": {
            "Buses": { "i2c-1": { "Kind": "i2c", "Path": "/dev/i2c-1", "Simulated": true } },
            "Devices": {
              "climate": { "Driver": "sht3x", "Bus": "i2c-1", "Address": "0x44", "RateHz": 5 },
              "light":   { "Driver": "bh1750", "Bus": "i2c-1", "Address": "0x23", "RateHz": 5 },
              "power":   { "Driver": "ina219", "Bus": "i2c-1", "Address": "0x40", "RateHz": 5, "Options": { "ShuntOhms": "0.1" } },
              "baro":    { "Driver": "bmp280", "Bus": "i2c-1", "Address": "0x77", "RateHz": 5, "Oversampling": 4 }
            }
          }
        }
        """);
        var options = BoardProfile.Load(path).Sensors;
        Assert.Empty(SensorsOptionsValidator.Validate(options));
        var last = new Dictionary<string, double[]>();
        using var runtime = SensorRuntime.Create(options);
        runtime.Observer = (source, _, samples) => last[source] = [.. samples.ToArray().Select(s => s.Value)];

        runtime.RunVirtual(1_000_000_000);

        Assert.All(runtime.Scheduler.Sources, s => Assert.Equal(SensorState.Healthy, s.Health.State));
        Assert.InRange(last["climate"][0], 15, 30);
        Assert.InRange(last["climate"][1], 20, 60);
        Assert.InRange(last["light"][0], 200, 600);
        Assert.InRange(last["power"][0], 11.5, 12.5);
        Assert.InRange(last["power"][2], 0.4, 1.2);
        Assert.InRange(last["baro"][1], 100000, 102500);
    }

    [Fact]
    public void Validate_CatalogueParts_NameKeyValueAndAllowed()
    {
        var o = new SensorsOptions();
        o.Buses["b"] = new BusOptions { Kind = "i2c", Simulated = true };
        o.Buses["w"] = new BusOptions { Kind = "w1", Simulated = true };
        o.Devices["h"] = new DeviceOptions { Driver = "sht3x", Bus = "b", Address = "0x40" };
        o.Devices["p"] = new DeviceOptions { Driver = "ina219", Bus = "b", Address = "0x41", Options = { ["ShuntOhms"] = "abc" } };
        o.Devices["t"] = new DeviceOptions { Driver = "ds18b20", Bus = "w" };
        o.Devices["g"] = new DeviceOptions { Driver = "ds18b20", Bus = "b", Options = { ["DeviceId"] = "28-0316a2794fff" } };

        var errors = SensorsOptionsValidator.Validate(o).Select(p => p.ToString()).ToList();

        Assert.Contains("Sensors:Devices:h:Address = \"0x40\": must be one of 0x44, 0x45 for sht3x", errors);
        Assert.Contains("Sensors:Devices:p:Options:ShuntOhms = \"abc\": must be a number in [0.0001, 100]", errors);
        Assert.Contains(errors, e => e.StartsWith("Sensors:Devices:t:Bus = \"w\": a w1 bus cannot be simulated", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Sensors:Devices:t:Options:DeviceId: must name a w1 slave", StringComparison.Ordinal));
        Assert.Contains("Sensors:Devices:g:Bus = \"b\": must name a bus of Kind w1 in Sensors:Buses", errors);
    }

    [Fact]
    public void Validate_RealBusPaths_MustBeDeviceNodes()
    {
        var o = new SensorsOptions();
        o.Buses["b"] = new BusOptions { Kind = "i2c", Path = "/dev/spidev0.0" };
        o.Buses["g"] = new BusOptions { Kind = "gpio", Path = "/sys/class/gpio" };

        var errors = SensorsOptionsValidator.Validate(o).Select(p => p.ToString()).ToList();

        Assert.Contains("Sensors:Buses:b:Path = \"/dev/spidev0.0\": must be /dev/i2c-N", errors);
        Assert.Contains("Sensors:Buses:g:Path = \"/sys/class/gpio\": must be /dev/gpiochipN", errors);
    }

    [Fact]
    public void Ds18b20_FromBoardOptions_ReadsFixtureThroughTheRuntime()
    {
        using var w1 = new TempDirectory();
        W1Fixture.WriteThermometer(w1.Path, "28-0316a2794fff", 0x0191);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sensors:Buses:w1:Kind"] = "w1",
            ["Sensors:Buses:w1:Path"] = w1.Path,
            ["Sensors:Devices:probe:Driver"] = "ds18b20",
            ["Sensors:Devices:probe:Bus"] = "w1",
            ["Sensors:Devices:probe:RateHz"] = "1",
            ["Sensors:Devices:probe:Options:DeviceId"] = "28-0316a2794fff",
        }).Build();
        var options = new SensorsOptions();
        configuration.GetSection(SensorsOptions.SectionName).Bind(options);
        Assert.Empty(SensorsOptionsValidator.Validate(options));
        using var source = DeviceFactory.CreatePolled("probe", options.Devices["probe"], options);

        var samples = PartHarness.Read(source);

        Assert.Equal(25.062, samples[0].Value, 3);
    }
}
