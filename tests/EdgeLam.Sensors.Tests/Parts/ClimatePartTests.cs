using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Simulation.ChipModels;
using EdgeLam.Sensors.Simulation.Chips;

namespace EdgeLam.Sensors.Tests.Parts;

/// <summary>BMP280, SHT3x and BH1750 through their .NET IoT drivers over simulated register maps.</summary>
public class ClimatePartTests
{
    // BMP280 datasheet BST-BMP280-DS001 section 3.12 / 8.2 worked example (T, P trims only).
    private static readonly Bme280Calibration BoschExample = new(
        27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000, 0, 0, 0, 0, 0, 0);

    [Fact]
    public void Bmp280_DatasheetRaw_Reads25Point08CelsiusAnd100653Pa()
    {
        using var chip = new SimulatedBme280(calibration: BoschExample, chipId: SimulatedBme280.Bmp280ChipId) { RawOverride = (519888, 415148, 0) };
        using var sensor = PartHarness.Open("bmp280", chip);

        var samples = PartHarness.Read(sensor);

        Assert.Equal(["temperature", "pressure"], sensor.Channels.Select(c => c.Name));
        Assert.Equal(25.08, samples[0].Value, 2);
        Assert.Equal(100653.27, samples[1].Value, 0);
    }

    [Fact]
    public void Bmp280_Bme280ChipId_ThrowsBadData()
    {
        using var chip = new SimulatedBme280();

        Assert.Equal(SensorFault.BadData, Assert.Throws<SensorException>(() => PartHarness.Open("bmp280", chip)).Fault);
    }

    [Fact]
    public void Sht3x_DatasheetCodes_ConvertWithSection413Formulas()
    {
        // S_T = 0x6666 = 26214: T = -45 + 175 · 26214 / 65535 = 25.0 °C. S_RH = 0xBEEF = 48879: RH = 74.6 %; the
        // datasheet's CRC example (table 20) is CRC(0xBEEF) = 0x92, and the driver accepts that frame.
        using var chip = new SimulatedSht3x { RawOverride = (0x6666, 0xBEEF) };
        using var sensor = PartHarness.Open("sht3x", chip);

        var samples = PartHarness.Read(sensor);

        Assert.Equal(0x92, SimulatedSht3x.Crc8([0xBE, 0xEF]));
        Assert.Equal(25.0, samples[0].Value, 1);
        Assert.Equal(74.6, samples[1].Value, 1);
        Assert.Equal(0x30A2, chip.Commands[0]); // soft reset at open
        Assert.Equal(0x2400, chip.Commands[^1]); // single shot, high repeatability, no clock stretching
    }

    [Fact]
    public void Sht3x_PhysicalInputs_ReadBackToTheDriversTenthOfAUnit()
    {
        using var chip = new SimulatedSht3x { TemperatureCelsius = -12.3, HumidityPercent = 87.6 };
        using var sensor = PartHarness.Open("sht3x", chip);

        var samples = PartHarness.Read(sensor);

        Assert.Equal(-12.3, samples[0].Value, 1);
        Assert.Equal(87.6, samples[1].Value, 1);
    }

    [Fact]
    public void Sht3x_BadCrc_NeverPublishesTheCorruptFrame()
    {
        using var chip = new SimulatedSht3x { TemperatureCelsius = 20.0 };
        using var sensor = PartHarness.Open("sht3x", chip);
        Assert.Equal(20.0, PartHarness.Read(sensor)[0].Value, 1);

        chip.TemperatureCelsius = 30.0;
        chip.CorruptCrcNext = 2; // both measurements of the next read (temperature, humidity)

        Assert.Equal(20.0, PartHarness.Read(sensor)[0].Value, 1);
        Assert.Equal(30.0, PartHarness.Read(sensor)[0].Value, 1);
    }

    [Fact]
    public void Sht3x_Nack_ThrowsNoAcknowledgeAndRecovers()
    {
        using var chip = new SimulatedSht3x { HumidityPercent = 55 };
        using var sensor = PartHarness.Open("sht3x", chip);
        chip.Faults.NackNext = 1;

        Assert.Equal(SensorFault.NoAcknowledge, Assert.Throws<SensorException>(() => PartHarness.Read(sensor)).Fault);
        Assert.Equal(55, PartHarness.Read(sensor)[1].Value, 1);
    }

    [Fact]
    public void Bh1750_DatasheetExample_Reads28067Lux()
    {
        // BH1750FVI datasheet, "measurement sequence example": result 1000_0011_1001_0000 (0x8390) → 33680 / 1.2
        // = 28067 lx in H-resolution mode with the default measurement time.
        using var chip = new SimulatedBh1750 { RawOverride = 0x8390 };
        using var sensor = PartHarness.Open("bh1750", chip);

        var samples = PartHarness.Read(sensor);

        Assert.Equal(28067, samples[0].Value, 0);
        Assert.True(chip.PoweredOn);
        Assert.Equal(69, chip.MeasurementTime);
    }

    [Fact]
    public void Bh1750_PhysicalInput_ReadsBackWithinOneCount()
    {
        using var chip = new SimulatedBh1750 { Lux = 250 };
        using var sensor = PartHarness.Open("bh1750", chip);

        var samples = PartHarness.Read(sensor);

        Assert.InRange(samples[0].Value, 250 - (1 / 1.2), 250 + (1 / 1.2));
    }

    [Fact]
    public void Bh1750_Absent_ThrowsNoAcknowledgeAtOpen()
    {
        using var chip = new SimulatedBh1750();
        chip.Faults.Absent = true;

        Assert.Equal(SensorFault.NoAcknowledge, Assert.Throws<SensorException>(() => PartHarness.Open("bh1750", chip)).Fault);
    }

    [Fact]
    public void Bh1750_ShortRead_ThrowsShortRead()
    {
        using var chip = new SimulatedBh1750();
        using var sensor = PartHarness.Open("bh1750", chip);
        chip.Faults.ShortReadNext = 1;
        chip.Faults.ShortReadBytes = 1;

        Assert.Equal(SensorFault.ShortRead, Assert.Throws<SensorException>(() => PartHarness.Read(sensor)).Fault);
    }
}
