using EdgeLam.Sensors.Drivers.Ads1115;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Quality;
using EdgeLam.Sensors.Simulation.Chips;

namespace EdgeLam.Sensors.Tests.Drivers;

public class Ads1115Tests
{
    [Fact]
    public void Read_SingleEndedAin0_WritesDatasheetConfigWord()
    {
        // SBAS444 table 8: OS=1, MUX=100 (AIN0/GND), PGA=010 (±2.048 V), MODE=1, DR=100 (128 SPS), COMP_QUE=11
        // → 1 100 010 1 100 0 0 0 11 = 0xC583.
        using var chip = new SimulatedAds1115();
        chip.InputVolts[0] = 1.0;
        using var adc = new Ads1115(chip, [Ads1115Mux.Ain0Gnd], gain: Ads1115Gain.Fsr2048, dataRate: Ads1115DataRate.Sps128, waitMicroseconds: _ => { }, ownsDevice: false);
        var samples = new SensorSample[1];

        adc.Read(1, samples);

        Assert.Equal(0xC583, chip.LastConfigWritten);
        // 1.0 V at ±2.048 V full scale: code = 1.0 / (2.048 / 32768) = 16000.
        Assert.Equal(16000, (short)chip[Ads1115Register.Conversion]);
        Assert.Equal(1.0, samples[0].Value, 4);
    }

    [Theory]
    [InlineData(Ads1115Gain.Fsr6144, 6.144)]
    [InlineData(Ads1115Gain.Fsr4096, 4.096)]
    [InlineData(Ads1115Gain.Fsr1024, 1.024)]
    [InlineData(Ads1115Gain.Fsr256, 0.256)]
    public void Read_Gain_ResolvesToOneLsbOfFullScale(Ads1115Gain gain, double fsr)
    {
        using var chip = new SimulatedAds1115();
        chip.InputVolts[2] = 0.2;
        chip.InputVolts[3] = 0.05;
        using var adc = new Ads1115(chip, [Ads1115Mux.Ain2Ain3], gain: gain, waitMicroseconds: _ => { }, ownsDevice: false);
        var samples = new SensorSample[1];

        adc.Read(1, samples);

        Assert.InRange(samples[0].Value, 0.15 - (fsr / 32768), 0.15 + (fsr / 32768));
        Assert.Equal((int)gain, (chip.LastConfigWritten >> 9) & 7);
    }

    [Fact]
    public void Read_InputAboveFullScale_ClampsTo7FFF()
    {
        using var chip = new SimulatedAds1115();
        chip.InputVolts[1] = 3.0;
        using var adc = new Ads1115(chip, [Ads1115Mux.Ain1Gnd], gain: Ads1115Gain.Fsr2048, waitMicroseconds: _ => { }, ownsDevice: false);
        var samples = new SensorSample[1];

        adc.Read(1, samples);

        Assert.Equal(0x7FFF, chip[Ads1115Register.Conversion]);
        Assert.Equal(2.048 * 32767 / 32768, samples[0].Value, 6);
    }

    [Fact]
    public void Read_SeveralInputs_ConvertsEachWithItsMux()
    {
        using var chip = new SimulatedAds1115();
        chip.InputVolts[0] = 0.5;
        chip.InputVolts[1] = 1.5;
        chip.InputVolts[3] = 0.25;
        using var adc = new Ads1115(chip, [Ads1115Mux.Ain0Gnd, Ads1115Mux.Ain1Gnd, Ads1115Mux.Ain0Ain1, Ads1115Mux.Ain3Gnd], gain: Ads1115Gain.Fsr4096, waitMicroseconds: _ => { }, ownsDevice: false);
        var samples = new SensorSample[4];

        adc.Read(1, samples);

        var lsb = 4.096 / 32768;
        Assert.InRange(samples[0].Value, 0.5 - lsb, 0.5 + lsb);
        Assert.InRange(samples[1].Value, 1.5 - lsb, 1.5 + lsb);
        Assert.InRange(samples[2].Value, -1.0 - lsb, -1.0 + lsb);
        Assert.InRange(samples[3].Value, 0.25 - lsb, 0.25 + lsb);
        Assert.Equal(["ain0", "ain1", "ain0_ain1", "ain3"], adc.Channels.Select(c => c.Name));
    }

    [Fact]
    public void Read_ConversionBusyForTwoPolls_WaitsUntilOsSet()
    {
        using var chip = new SimulatedAds1115 { BusyPolls = 2 };
        chip.InputVolts[0] = 0.75;
        var waits = 0;
        using var adc = new Ads1115(chip, [Ads1115Mux.Ain0Gnd], waitMicroseconds: _ => waits++, ownsDevice: false);
        var samples = new SensorSample[1];

        adc.Read(1, samples);

        Assert.Equal(3, waits); // one conversion period before each of the three config reads (busy, busy, done)
        Assert.Equal(0.75, samples[0].Value, 3);
    }

    [Fact]
    public void Read_ConversionNeverCompletes_ThrowsTimeout()
    {
        using var chip = new SimulatedAds1115();
        using var adc = new Ads1115(chip, [Ads1115Mux.Ain0Gnd], waitMicroseconds: _ => { }, ownsDevice: false);
        chip.BusyPolls = 1000;

        Assert.Equal(SensorFault.Timeout, Assert.Throws<SensorException>(() => adc.Read(1, new SensorSample[1])).Fault);
    }

    [Fact]
    public void Faults_NackShortReadStuck_AreReportedOrFlagged()
    {
        using var chip = new SimulatedAds1115();
        using var adc = new Ads1115(chip, [Ads1115Mux.Ain0Gnd], waitMicroseconds: _ => { }, ownsDevice: false);
        var samples = new SensorSample[1];

        chip.Faults.NackNext = 1;
        Assert.Equal(SensorFault.NoAcknowledge, Assert.Throws<SensorException>(() => adc.Read(1, samples)).Fault);

        chip.Faults.ShortReadNext = 1;
        chip.Faults.ShortReadBytes = 1;
        Assert.Equal(SensorFault.ShortRead, Assert.Throws<SensorException>(() => adc.Read(2, samples)).Fault);

        var checker = new QualityChecker(adc.Channels, 4);
        chip.InputVolts[0] = 0.3;
        adc.Read(3, samples);
        chip.Faults.Stuck = true;
        for (var i = 0; i < 3; i++)
        {
            chip.InputVolts[0] = 0.4 + (0.1 * i);
            adc.Read(4 + i, samples);
            checker.Apply(samples);
        }

        Assert.Equal(0.3, samples[0].Value, 3);
        Assert.False(samples[0].Quality.HasFlag(SampleQuality.Stuck));
        adc.Read(10, samples);
        checker.Apply(samples);
        Assert.True(samples[0].Quality.HasFlag(SampleQuality.Stuck));
    }

    [Fact]
    public void Constructor_DeviceAbsent_ThrowsNoAcknowledge()
    {
        using var chip = new SimulatedAds1115();
        chip.Faults.Absent = true;

        Assert.Equal(SensorFault.NoAcknowledge, Assert.Throws<SensorException>(() => new Ads1115(chip, [Ads1115Mux.Ain0Gnd], ownsDevice: false)).Fault);
    }
}
