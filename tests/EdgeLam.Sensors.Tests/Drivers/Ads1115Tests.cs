using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Quality;
using EdgeLam.Sensors.Simulation.ChipModels;
using EdgeLam.Sensors.Simulation.Chips;
using EdgeLam.Sensors.Tests.Parts;

namespace EdgeLam.Sensors.Tests.Drivers;

public class Ads1115Tests
{
    private static DeviceOptions Options(double gainVolts, int dataRate, params string[] inputs) =>
        new() { GainVolts = gainVolts, DataRate = dataRate, Inputs = [.. inputs] };

    [Fact]
    public void Read_SingleEndedAin0_WritesDatasheetConfigWord()
    {
        // SBAS444 table 8: OS=1, MUX=100 (AIN0/GND), PGA=010 (±2.048 V), MODE=1, DR=100 (128 SPS), COMP_QUE=11
        // → 1 100 010 1 100 0 0 0 11 = 0xC583.
        using var chip = new SimulatedAds1115();
        chip.InputVolts[0] = 1.0;
        using var adc = PartHarness.Open("ads1115", chip, Options(2.048, 128, "AIN0"));

        var samples = PartHarness.Read(adc);

        Assert.Equal(0xC583, chip.LastConfigWritten);
        // 1.0 V at ±2.048 V full scale: code = 1.0 / (2.048 / 32768) = 16000.
        Assert.Equal(16000, (short)chip[Ads1115Register.Conversion]);
        Assert.Equal(1.0, samples[0].Value, 4);
    }

    [Theory]
    [InlineData(6.144, Ads1115Gain.Fsr6144)]
    [InlineData(4.096, Ads1115Gain.Fsr4096)]
    [InlineData(1.024, Ads1115Gain.Fsr1024)]
    [InlineData(0.256, Ads1115Gain.Fsr256)]
    public void Read_Gain_ResolvesToOneLsbOfFullScale(double fsr, Ads1115Gain gain)
    {
        using var chip = new SimulatedAds1115();
        chip.InputVolts[2] = 0.2;
        chip.InputVolts[3] = 0.05;
        using var adc = PartHarness.Open("ads1115", chip, Options(fsr, 860, "AIN2-AIN3"));

        var samples = PartHarness.Read(adc);

        Assert.InRange(samples[0].Value, 0.15 - (fsr / 32768), 0.15 + (fsr / 32768));
        Assert.Equal((int)gain, (chip.LastConfigWritten >> 9) & 7);
    }

    [Fact]
    public void Read_InputAboveFullScale_ClampsTo7FFF()
    {
        using var chip = new SimulatedAds1115();
        chip.InputVolts[1] = 3.0;
        using var adc = PartHarness.Open("ads1115", chip, Options(2.048, 860, "AIN1"));

        var samples = PartHarness.Read(adc);

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
        using var adc = PartHarness.Open("ads1115", chip, Options(4.096, 860, "AIN0", "AIN1", "AIN0-AIN1", "AIN3"));

        var samples = PartHarness.Read(adc);

        var lsb = 4.096 / 32768;
        Assert.InRange(samples[0].Value, 0.5 - lsb, 0.5 + lsb);
        Assert.InRange(samples[1].Value, 1.5 - lsb, 1.5 + lsb);
        Assert.InRange(samples[2].Value, -1.0 - lsb, -1.0 + lsb);
        Assert.InRange(samples[3].Value, 0.25 - lsb, 0.25 + lsb);
        Assert.Equal(["ain0", "ain1", "ain0_ain1", "ain3"], adc.Channels.Select(c => c.Name));
    }

    [Fact]
    public void Read_ConversionBusyForTwoPolls_PollsUntilOsSet()
    {
        using var chip = new SimulatedAds1115();
        chip.InputVolts[0] = 0.75;
        using var adc = PartHarness.Open("ads1115", chip, Options(2.048, 860, "AIN0"));
        chip.BusyPolls = 2;
        var before = chip.Faults.Transactions;

        var samples = PartHarness.Read(adc);

        // config write, three config reads (busy, busy, done), conversion pointer write + read.
        Assert.Equal(6, chip.Faults.Transactions - before);
        Assert.Equal(0.75, samples[0].Value, 3);
    }

    [Fact]
    public void Read_ConversionNeverCompletes_ThrowsTimeout()
    {
        using var chip = new SimulatedAds1115();
        using var adc = PartHarness.Open("ads1115", chip, Options(2.048, 860, "AIN0"));
        chip.BusyPolls = int.MaxValue;

        Assert.Equal(SensorFault.Timeout, Assert.Throws<SensorException>(() => PartHarness.Read(adc)).Fault);
    }

    [Fact]
    public void Faults_NackShortReadStuck_AreReportedOrFlagged()
    {
        using var chip = new SimulatedAds1115();
        using var adc = PartHarness.Open("ads1115", chip, Options(2.048, 860, "AIN0"));
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

        Assert.Equal(SensorFault.NoAcknowledge, Assert.Throws<SensorException>(() => PartHarness.Open("ads1115", chip, Options(2.048, 860, "AIN0"))).Fault);
    }
}
