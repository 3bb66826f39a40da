using EdgeLam.Sensors.Drivers.Mpu6050;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Quality;
using EdgeLam.Sensors.Simulation.Chips;

namespace EdgeLam.Sensors.Tests.Drivers;

public class Mpu6050Tests
{
    [Theory]
    // PS-MPU-6000A table 6.2: sensitivity 16384, 8192, 4096, 2048 LSB/g for AFS_SEL 0..3.
    [InlineData(Mpu6050AccelRange.G2, 16384)]
    [InlineData(Mpu6050AccelRange.G4, 8192)]
    [InlineData(Mpu6050AccelRange.G8, 4096)]
    [InlineData(Mpu6050AccelRange.G16, 2048)]
    public void Read_OneGOnZ_ReportsStandardGravityAtEveryRange(Mpu6050AccelRange range, int lsbPerG)
    {
        using var chip = new SimulatedMpu6050 { AccelG = (0, 0.5, 1) };
        using var sensor = new Mpu6050(chip, accelRange: range, ownsDevice: false);
        var samples = new SensorSample[7];

        sensor.Read(1, samples);

        Assert.Equal((byte)((int)range << 3), chip[(int)Mpu6050Register.AccelConfig]);
        Assert.Equal(lsbPerG, (chip[0x3F] << 8) | chip[0x40]);
        Assert.Equal(9.80665, samples[2].Value, 3);
        Assert.Equal(9.80665 / 2, samples[1].Value, 3);
    }

    [Theory]
    // PS-MPU-6000A table 6.1: 131, 65.5, 32.8, 16.4 LSB/(°/s) for FS_SEL 0..3.
    [InlineData(Mpu6050GyroRange.Dps250, 131.0)]
    [InlineData(Mpu6050GyroRange.Dps500, 65.5)]
    [InlineData(Mpu6050GyroRange.Dps1000, 32.8)]
    [InlineData(Mpu6050GyroRange.Dps2000, 16.4)]
    public void Read_GyroRate_ScalesByFullScaleRange(Mpu6050GyroRange range, double lsbPerDps)
    {
        using var chip = new SimulatedMpu6050 { GyroDps = (100, -50, 0) };
        using var sensor = new Mpu6050(chip, gyroRange: range, ownsDevice: false);
        var samples = new SensorSample[7];

        sensor.Read(1, samples);

        Assert.Equal(Math.Round(100 * lsbPerDps), (short)((chip[0x43] << 8) | chip[0x44]));
        Assert.InRange(samples[3].Value, 100 - (1 / lsbPerDps), 100 + (1 / lsbPerDps));
        Assert.InRange(samples[4].Value, -50 - (1 / lsbPerDps), -50 + (1 / lsbPerDps));
    }

    [Fact]
    public void Read_DieTemperature_UsesRegisterMapFormula()
    {
        // Register map 4.18: T = TEMP_OUT / 340 + 36.53; TEMP_OUT = -3580 → 26.0 °C (rounded to 0.01).
        using var chip = new SimulatedMpu6050 { TemperatureCelsius = 26.0 };
        using var sensor = new Mpu6050(chip, ownsDevice: false);
        var samples = new SensorSample[7];

        sensor.Read(1, samples);

        Assert.Equal(-3580, (short)((chip[0x41] << 8) | chip[0x42]));
        Assert.Equal(26.0, samples[6].Value, 2);
    }

    [Fact]
    public void Constructor_WakesChipFromSleep()
    {
        using var chip = new SimulatedMpu6050();
        Assert.True(chip.Asleep);

        using var sensor = new Mpu6050(chip, ownsDevice: false);

        Assert.False(chip.Asleep);
    }

    [Fact]
    public void Read_AccelerationBeyondRange_SaturatesAtFullScale()
    {
        using var chip = new SimulatedMpu6050 { AccelG = (0, 0, 3) };
        using var sensor = new Mpu6050(chip, accelRange: Mpu6050AccelRange.G2, ownsDevice: false);
        var samples = new SensorSample[7];

        sensor.Read(1, samples);

        Assert.Equal(0x7FFF, (chip[0x3F] << 8) | chip[0x40]);
        Assert.Equal(32767 / 16384.0 * 9.80665, samples[2].Value, 3);
    }

    [Fact]
    public void Faults_NackShortReadAndStuck_AreReportedOrFlagged()
    {
        using var chip = new SimulatedMpu6050();
        using var sensor = new Mpu6050(chip, ownsDevice: false);
        var samples = new SensorSample[7];

        chip.Faults.NackNext = 1;
        Assert.Equal(SensorFault.NoAcknowledge, Assert.Throws<SensorException>(() => sensor.Read(1, samples)).Fault);

        chip.Faults.ShortReadNext = 1;
        chip.Faults.ShortReadBytes = 6;
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

        Assert.Equal(SensorFault.BadData, Assert.Throws<SensorException>(() => new Mpu6050(chip, ownsDevice: false)).Fault);
    }
}
