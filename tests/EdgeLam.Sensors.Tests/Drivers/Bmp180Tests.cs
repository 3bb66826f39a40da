using EdgeLam.Sensors.Drivers.Bmp180;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Simulation.Chips;

namespace EdgeLam.Sensors.Tests.Drivers;

public class Bmp180Tests
{
    // Datasheet BST-BMP180-DS000, section 3.5 "Calculating pressure and temperature", worked example.
    private static readonly Bmp180Calibration Example = new(408, -72, -14383, 32741, 32757, 23153, 6190, 4, -32768, -8711, 2868);

    [Fact]
    public void Compensation_DatasheetWorkedExample_Gives150DeciCelsiusAnd69964Pa()
    {
        var b5 = Bmp180Compensation.B5(27898, Example);
        Assert.Equal(150, Bmp180Compensation.Temperature(27898, Example));
        Assert.Equal(69964, Bmp180Compensation.Pressure(23843, 0, Example, b5));
    }

    [Fact]
    public void Driver_SimulatedChipWithWorkedExampleRaw_Reads15CelsiusAnd69964Pa()
    {
        using var chip = new SimulatedBmp180(calibration: Example) { RawOverride = (27898, 23843) };
        using var sensor = new Bmp180(chip, waitMicroseconds: _ => { }, ownsDevice: false);
        var samples = new SensorSample[2];

        sensor.Read(1, samples);

        Assert.Equal(Example, sensor.Calibration);
        Assert.Equal(15.0, samples[0].Value, 3);
        Assert.Equal(69964, samples[1].Value);
        // Datasheet table 8: 0x2E starts a temperature conversion, 0x34 + (oss << 6) a pressure conversion.
        Assert.Equal([0x2E, 0x34], chip.Commands);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Driver_Oversampling_ReadsPhysicalInputBack(int oss)
    {
        using var chip = new SimulatedBmp180 { TemperatureCelsius = 23.4, PressurePascal = 98765 };
        using var sensor = new Bmp180(chip, oversampling: oss, waitMicroseconds: _ => { }, ownsDevice: false);
        var samples = new SensorSample[2];

        sensor.Read(1, samples);

        Assert.Equal(23.4, samples[0].Value, 1);
        Assert.InRange(samples[1].Value, 98765 - 3, 98765 + 3);
        Assert.Equal(0x34 + (oss << 6), chip.Commands[^1]);
    }

    [Fact]
    public void Driver_ConversionNeverCompletes_ThrowsTimeout()
    {
        using var chip = new SimulatedBmp180 { BusyPolls = 100 };
        using var sensor = new Bmp180(chip, waitMicroseconds: _ => { }, ownsDevice: false);

        var e = Assert.Throws<SensorException>(() => sensor.Read(1, new SensorSample[2]));
        Assert.Equal(SensorFault.Timeout, e.Fault);
    }

    [Fact]
    public void Driver_Nack_ThrowsNoAcknowledgeThenRecovers()
    {
        using var chip = new SimulatedBmp180 { TemperatureCelsius = 20 };
        using var sensor = new Bmp180(chip, waitMicroseconds: _ => { }, ownsDevice: false);
        chip.Faults.NackNext = 1;
        var samples = new SensorSample[2];

        Assert.Equal(SensorFault.NoAcknowledge, Assert.Throws<SensorException>(() => sensor.Read(1, samples)).Fault);
        sensor.Read(2, samples);
        Assert.Equal(20.0, samples[0].Value, 1);
    }

    [Fact]
    public void Driver_ShortRead_ThrowsShortRead()
    {
        using var chip = new SimulatedBmp180();
        using var sensor = new Bmp180(chip, waitMicroseconds: _ => { }, ownsDevice: false);
        chip.Faults.ShortReadNext = 5;
        chip.Faults.ShortReadBytes = 0;

        Assert.Equal(SensorFault.ShortRead, Assert.Throws<SensorException>(() => sensor.Read(1, new SensorSample[2])).Fault);
    }

    [Fact]
    public void Constructor_WrongChipId_ThrowsBadData()
    {
        using var chip = new SimulatedBmp180();
        chip[(int)Bmp180Register.ChipId] = 0x58; // a BMP280 answers 0x58

        Assert.Equal(SensorFault.BadData, Assert.Throws<SensorException>(() => new Bmp180(chip, ownsDevice: false)).Fault);
    }
}
