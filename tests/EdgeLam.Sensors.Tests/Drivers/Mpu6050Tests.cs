using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Quality;
using EdgeLam.Sensors.Simulation.ChipModels;
using EdgeLam.Sensors.Simulation.Chips;
using EdgeLam.Sensors.Tests.Parts;

namespace EdgeLam.Sensors.Tests.Drivers;

public class Mpu6050Tests
{
    // Iot.Device.Imu.Mpu6050 scales by g = 9.807 m/s² (float); the standard gravity is 9.80665: 0.004 % apart.
    private const double GravityTolerance = 0.002;

    [Theory]
    // PS-MPU-6000A table 6.2: sensitivity 16384, 8192, 4096, 2048 LSB/g for AFS_SEL 0..3.
    [InlineData(2, 16384)]
    [InlineData(4, 8192)]
    [InlineData(8, 4096)]
    [InlineData(16, 2048)]
    public void Read_OneGOnZ_ReportsStandardGravityAtEveryRange(int rangeG, int lsbPerG)
    {
        using var chip = new SimulatedMpu6050 { AccelG = (0, 0.5, 1) };
        using var sensor = PartHarness.Open("mpu6050", chip, new DeviceOptions { AccelRangeG = rangeG });

        var samples = PartHarness.Read(sensor);

        Assert.Equal((byte)((int)Mpu6050Scale.AccelRangeFromG(rangeG) << 3), chip[(int)Mpu6050Register.AccelConfig]);
        Assert.Equal(lsbPerG, (chip[0x3F] << 8) | chip[0x40]);
        Assert.InRange(samples[2].Value, 9.80665 - GravityTolerance, 9.80665 + GravityTolerance);
        Assert.InRange(samples[1].Value, (9.80665 / 2) - GravityTolerance, (9.80665 / 2) + GravityTolerance);
    }

    [Theory]
    // PS-MPU-6000A table 6.1: 131, 65.5, 32.8, 16.4 LSB/(°/s) for FS_SEL 0..3.
    [InlineData(250, 131.0)]
    [InlineData(500, 65.5)]
    [InlineData(1000, 32.8)]
    [InlineData(2000, 16.4)]
    public void Read_GyroRate_ScalesByFullScaleRange(int rangeDps, double lsbPerDps)
    {
        using var chip = new SimulatedMpu6050 { GyroDps = (100, -50, 0) };
        using var sensor = PartHarness.Open("mpu6050", chip, new DeviceOptions { GyroRangeDps = rangeDps });

        var samples = PartHarness.Read(sensor);

        Assert.Equal(Math.Round(100 * lsbPerDps), (short)((chip[0x43] << 8) | chip[0x44]));
        // The library scales by range / 32768 (131.07 LSB/°/s at ±250) where the datasheet rounds to 131: within 0.1 %.
        Assert.InRange(samples[3].Value, 100 * 0.998, 100 * 1.002);
        Assert.InRange(samples[4].Value, -50 * 1.002, -50 * 0.998);
    }

    [Fact]
    public void Read_DieTemperature_UsesRegisterMapFormula()
    {
        // Register map 4.18: T = TEMP_OUT / 340 + 36.53; TEMP_OUT = -3580 → 26.0 °C (rounded to 0.01).
        using var chip = new SimulatedMpu6050 { TemperatureCelsius = 26.0 };
        using var sensor = PartHarness.Open("mpu6050", chip);

        var samples = PartHarness.Read(sensor);

        Assert.Equal(-3580, (short)((chip[0x41] << 8) | chip[0x42]));
        Assert.Equal(26.0, samples[6].Value, 2);
    }

    [Fact]
    public void Constructor_WakesChipFromSleep()
    {
        using var chip = new SimulatedMpu6050();
        Assert.True(chip.Asleep);

        using var sensor = PartHarness.Open("mpu6050", chip);

        Assert.False(chip.Asleep);
    }

    [Fact]
    public void Read_AccelerationBeyondRange_SaturatesAtFullScale()
    {
        using var chip = new SimulatedMpu6050 { AccelG = (0, 0, 3) };
        using var sensor = PartHarness.Open("mpu6050", chip, new DeviceOptions { AccelRangeG = 2 });

        var samples = PartHarness.Read(sensor);

        Assert.Equal(0x7FFF, (chip[0x3F] << 8) | chip[0x40]);
        var expected = 32767 / 16384.0 * 9.80665;
        Assert.InRange(samples[2].Value, expected - (2 * GravityTolerance), expected + (2 * GravityTolerance));
    }

    [Fact]
    public void Faults_NackShortReadAndStuck_AreReportedOrFlagged()
    {
        using var chip = new SimulatedMpu6050();
        using var sensor = PartHarness.Open("mpu6050", chip);
        var samples = new SensorSample[7];

        chip.Faults.NackNext = 1;
        Assert.Equal(SensorFault.NoAcknowledge, Assert.Throws<SensorException>(() => sensor.Read(1, samples)).Fault);

        chip.Faults.ShortReadNext = 1;
        chip.Faults.ShortReadBytes = 0;
        Assert.Equal(SensorFault.ShortRead, Assert.Throws<SensorException>(() => sensor.Read(2, samples)).Fault);

        var checker = new QualityChecker(sensor.Channels, 3);
        chip.Faults.Stuck = true;
        for (var i = 0; i < 3; i++)
        {
            chip.AccelG = (0, 0, 1 + (i * 0.1));
            sensor.Read(3 + i, samples);
            checker.Apply(samples);
        }

        Assert.All(samples, s => Assert.True(s.Quality.HasFlag(SampleQuality.Stuck)));
    }

    [Fact]
    public void Constructor_WrongWhoAmI_ThrowsBadData()
    {
        using var chip = new SimulatedMpu6050();
        chip[(int)Mpu6050Register.WhoAmI] = 0x71; // an MPU-9250

        Assert.Equal(SensorFault.BadData, Assert.Throws<SensorException>(() => PartHarness.Open("mpu6050", chip)).Fault);
    }
}
