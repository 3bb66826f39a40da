using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Testing;

namespace EdgeLam.Sensors.Tests.Parts;

/// <summary>DS18B20 through Iot.Device.OneWire over a directory laid out like the kernel's /sys/bus/w1/devices.</summary>
public class OneWirePartTests
{
    private const string Id = "28-0316a2794fff";

    [Theory]
    // DS18B20 datasheet table 1: +25.0625 °C = 0191h, -10.125 °C = FF5Eh, +85 °C (power-on reset value) = 0550h,
    // -55 °C = FC90h. The kernel's w1_therm prints t = raw · 1000 / 16 (integer), so 25.0625 reads 25.062.
    [InlineData(0x0191, 25.0625)]
    [InlineData(0xFF5E, -10.125)]
    [InlineData(0x0550, 85.0)]
    [InlineData(0xFC90, -55.0)]
    public void Ds18b20_DatasheetCodes_ReadThroughKernelText(int raw, double celsius)
    {
        using var bus = new TempDirectory();
        W1Fixture.WriteThermometer(bus.Path, Id, (short)raw);
        using var sensor = OpenPart(bus.Path);

        var samples = PartHarness.Read(sensor);

        Assert.InRange(samples[0].Value, celsius - 0.001, celsius + 0.0005);
        Assert.Equal(SampleQuality.Good, samples[0].Quality);
    }

    [Fact]
    public void Ds18b20_KernelCrcSaysNo_ThrowsBadData()
    {
        using var bus = new TempDirectory();
        W1Fixture.WriteThermometer(bus.Path, Id, 0x0191, crcOk: false);
        using var sensor = OpenPart(bus.Path);

        Assert.Equal(SensorFault.BadData, Assert.Throws<SensorException>(() => PartHarness.Read(sensor)).Fault);
    }

    [Fact]
    public void Ds18b20_DeviceUnplugged_ThrowsDeviceGone()
    {
        using var bus = new TempDirectory();
        W1Fixture.WriteThermometer(bus.Path, Id, 0x0191);
        using var sensor = OpenPart(bus.Path);
        Directory.Delete(Path.Combine(bus.Path, Id), recursive: true);

        Assert.Equal(SensorFault.DeviceGone, Assert.Throws<SensorException>(() => PartHarness.Read(sensor)).Fault);
    }

    [Fact]
    public void Ds18b20_MissingAtOpen_ThrowsDeviceGone()
    {
        using var bus = new TempDirectory();

        Assert.Equal(SensorFault.DeviceGone, Assert.Throws<SensorException>(() => OpenPart(bus.Path)).Fault);
    }

    [Fact]
    public void Ds18b20_NotAThermometerFamily_ThrowsBadData()
    {
        using var bus = new TempDirectory();
        W1Fixture.WriteThermometer(bus.Path, "3a-00000012abcd", 0x0191); // 0x3A: DS2413 dual switch

        Assert.Equal(SensorFault.BadData, Assert.Throws<SensorException>(() => OpenPart(bus.Path, "3a-00000012abcd")).Fault);
    }

    private static ISensorSource OpenPart(string busPath, string id = Id) =>
        PartHarness.Open("ds18b20", null, new DeviceOptions { Options = { ["DeviceId"] = id } }, busPath);
}

/// <summary>Writes w1_slave files the way the kernel's w1_therm driver prints them.</summary>
internal static class W1Fixture
{
    public static void WriteThermometer(string busDirectory, string id, short raw, bool crcOk = true)
    {
        // Scratchpad: temperature LSB, MSB, TH, TL, config (12-bit), three reserved bytes, CRC (Dallas/Maxim CRC-8).
        byte[] pad = [(byte)raw, (byte)(raw >> 8), 0x4B, 0x46, 0x7F, 0xFF, 0x0F, 0x10, 0];
        pad[8] = Crc8(pad.AsSpan(0, 8));
        var hex = string.Join(' ', pad.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        var milli = raw * 1000 / 16;
        var text = $"{hex} : crc={pad[8]:x2} {(crcOk ? "YES" : "NO")}\n{hex} t={milli.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n";
        var dir = Path.Combine(busDirectory, id);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "w1_slave"), text);
    }

    /// <summary>Maxim CRC-8 (x^8 + x^5 + x^4 + 1, reflected: 0x8C), as the DS18B20 computes it.</summary>
    private static byte Crc8(ReadOnlySpan<byte> data)
    {
        byte crc = 0;
        foreach (var b in data)
        {
            var x = b;
            for (var i = 0; i < 8; i++)
            {
                var mix = (byte)((crc ^ x) & 1);
                crc >>= 1;
                if (mix != 0)
                {
                    crc ^= 0x8C;
                }

                x >>= 1;
            }
        }

        return crc;
    }
}
