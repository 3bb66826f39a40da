using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Simulation.ChipModels;
using EdgeLam.Sensors.Simulation.Chips;
using EdgeLam.Sensors.Tests.Parts;

namespace EdgeLam.Sensors.Tests.Drivers;

public class Bme280Tests
{
    // Bosch BMP280 datasheet (BST-BMP280-DS001), section 3.12 / appendix "Computation formula ... example": the BME280
    // uses the identical temperature and pressure compensation (BST-BME280-DS002 section 4.2.3), so this published
    // calibration set and its results are an independent reference: adc_T = 519888 → t_fine = 128422, T = 25.08 °C;
    // adc_P = 415148 → p = 100653.27 Pa (double formula) / 25767236 / 256 Pa (int64 formula).
    private static readonly Bme280Calibration BoschExample = new(
        27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000, 75, 362, 0, 333, 0, 30);

    [Fact]
    public void TemperatureInt32_BoschExample_Gives2508AndTFine128422()
    {
        Assert.Equal(2508, Bme280Compensation.TemperatureInt32(519888, BoschExample, out var tFine));
        Assert.Equal(128422, tFine);
    }

    [Fact]
    public void TemperatureDouble_BoschExample_Gives25Point08()
    {
        Assert.Equal(25.08, Bme280Compensation.TemperatureDouble(519888, BoschExample, out var tFine), 2);
        Assert.Equal(128422, tFine);
    }

    [Fact]
    public void Pressure_BoschExample_GivesDatasheetPascal()
    {
        Assert.InRange(Bme280Compensation.PressureDouble(415148, BoschExample, 128422), 100653.2, 100653.3);
        Assert.Equal(100653.27, Bme280Compensation.PressureInt64(415148, BoschExample, 128422) / 256.0, 0);
    }

    [Fact]
    public void Humidity_IntegerFormulaAgainstDoubleFormula_AgreeOverRange()
    {
        // Datasheet 8.1 (double) is the independent reference for 8.2 (int32, Q22.10). They must agree within the
        // integer version's resolution (1/1024 %RH) plus rounding, over the whole usable ADC range and temperatures.
        foreach (var adcT in new[] { 400000, 519888, 600000 })
        {
            Bme280Compensation.TemperatureInt32(adcT, BoschExample, out var tFine);
            for (var adcH = 20000; adcH <= 40000; adcH += 250)
            {
                var reference = Bme280Compensation.HumidityDouble(adcH, BoschExample, tFine);
                var integer = Bme280Compensation.HumidityInt32(adcH, BoschExample, tFine) / 1024.0;
                Assert.InRange(integer - reference, -0.05, 0.05);
            }
        }
    }

    [Fact]
    public void TemperatureAndPressure_IntegerAgainstDouble_AgreeOverRange()
    {
        for (var adcT = 350000; adcT <= 650000; adcT += 10000)
        {
            var ti = Bme280Compensation.TemperatureInt32(adcT, BoschExample, out var tFine) / 100.0;
            var td = Bme280Compensation.TemperatureDouble(adcT, BoschExample, out _);
            Assert.InRange(ti - td, -0.011, 0.011);
            for (var adcP = 250000; adcP <= 550000; adcP += 25000)
            {
                var pi = Bme280Compensation.PressureInt64(adcP, BoschExample, tFine) / 256.0;
                var pd = Bme280Compensation.PressureDouble(adcP, BoschExample, tFine);
                Assert.InRange(pi - pd, -1.0, 1.0);
            }
        }
    }

    [Fact]
    public void Calibration_EncodeThenParse_RoundTripsTwelveBitHumidityFields()
    {
        var c = BoschExample with { H4 = -349, H5 = -30, H6 = -5 };
        var b1 = new byte[Bme280Calibration.Block1Length];
        var b2 = new byte[Bme280Calibration.Block2Length];
        c.Encode(b1, b2);

        Assert.Equal(c, Bme280Calibration.Parse(b1, b2));
    }

    [Fact]
    public void Calibration_DatasheetRegisterLayout_DecodesH4AndH5()
    {
        // Table 16: dig_H4 = 0xE4[7:0] / 0xE5[3:0] (12 bits), dig_H5 = 0xE5[7:4] / 0xE6[7:0].
        var b1 = new byte[26];
        var b2 = new byte[] { 0x6A, 0x01, 0x00, 0x14, 0x2D, 0x03, 0x1E };
        var c = Bme280Calibration.Parse(b1, b2);

        Assert.Equal(362, c.H2);
        Assert.Equal((0x14 << 4) | 0xD, c.H4);
        Assert.Equal((0x03 << 4) | 0x2, c.H5);
        Assert.Equal(30, c.H6);
    }

    [Fact]
    public void Driver_SimulatedChipWithBoschRaw_ReadsDatasheetValues()
    {
        // The library driver (Iot.Device.Bmxx80.Bme280) uses the datasheet's double-precision formulas.
        using var chip = new SimulatedBme280(calibration: BoschExample) { RawOverride = (519888, 415148, 0x6FF0) };
        using var sensor = PartHarness.Open("bme280", chip);

        var samples = PartHarness.Read(sensor);

        Assert.Equal(25.08, samples[0].Value, 2);
        Assert.Equal(100653.27, samples[1].Value, 0);
        Bme280Compensation.TemperatureInt32(519888, BoschExample, out var tFine);
        Assert.Equal(Bme280Compensation.HumidityDouble(0x6FF0, BoschExample, tFine), samples[2].Value, 1);
        // ctrl_meas: osrs_t = osrs_p = x1 (001), mode normal (11) → 0b001_001_11.
        Assert.Equal(0x27, chip[(int)Bme280Register.ControlMeasurement]);
        Assert.Equal(0x01, chip[(int)Bme280Register.ControlHumidity]);
    }

    [Fact]
    public void Driver_PhysicalInputs_ReadBackWithinResolution()
    {
        using var chip = new SimulatedBme280 { TemperatureCelsius = 31.5, PressurePascal = 95000, HumidityPercent = 62.0 };
        using var sensor = PartHarness.Open("bme280", chip);

        var samples = PartHarness.Read(sensor);

        Assert.Equal(31.5, samples[0].Value, 1);
        Assert.InRange(samples[1].Value, 94998, 95002);
        Assert.InRange(samples[2].Value, 61.9, 62.1);
    }

    [Fact]
    public void Driver_Oversampling16_WritesOsrs101()
    {
        using var chip = new SimulatedBme280();
        using var sensor = PartHarness.Open("bme280", chip, new DeviceOptions { Oversampling = 16 });

        PartHarness.Read(sensor);

        Assert.Equal(0b101_101_11, chip[(int)Bme280Register.ControlMeasurement]);
        Assert.Equal(0b101, chip[(int)Bme280Register.ControlHumidity]);
    }

    [Fact]
    public void Driver_Nack_ThrowsNoAcknowledge()
    {
        using var chip = new SimulatedBme280();
        using var sensor = PartHarness.Open("bme280", chip);
        chip.Faults.NackNext = 1;

        Assert.Equal(SensorFault.NoAcknowledge, Assert.Throws<SensorException>(() => PartHarness.Read(sensor)).Fault);
        Assert.Equal(3, PartHarness.Read(sensor).Length);
    }

    [Fact]
    public void Driver_ShortRead_ThrowsShortRead()
    {
        using var chip = new SimulatedBme280();
        using var sensor = PartHarness.Open("bme280", chip);
        chip.Faults.ShortReadNext = 1;
        chip.Faults.ShortReadBytes = 1;

        Assert.Equal(SensorFault.ShortRead, Assert.Throws<SensorException>(() => PartHarness.Read(sensor)).Fault);
    }

    [Fact]
    public void Open_WrongChipId_ThrowsBadData()
    {
        using var chip = new SimulatedBme280(chipId: SimulatedBme280.Bmp280ChipId);

        Assert.Equal(SensorFault.BadData, Assert.Throws<SensorException>(() => PartHarness.Open("bme280", chip)).Fault);
    }

    [Fact]
    public void Open_Absent_ThrowsNoAcknowledge()
    {
        using var chip = new SimulatedBme280();
        chip.Faults.Absent = true;

        Assert.Equal(SensorFault.NoAcknowledge, Assert.Throws<SensorException>(() => PartHarness.Open("bme280", chip)).Fault);
    }

    [Fact]
    public void Driver_StuckChip_RepeatsReadingAndQualityCheckerFlagsStuck()
    {
        using var chip = new SimulatedBme280();
        using var sensor = PartHarness.Open("bme280", chip);
        var checker = new EdgeLam.Sensors.Quality.QualityChecker(sensor.Channels, stuckRepeatLimit: 5);
        var samples = new SensorSample[3];
        var t = 20.0;
        for (var i = 0; i < 3; i++)
        {
            chip.TemperatureCelsius = t += 0.5;
            sensor.Read(i, samples);
            checker.Apply(samples);
            Assert.Equal(SampleQuality.Good, samples[0].Quality);
        }

        chip.Faults.Stuck = true;
        for (var i = 0; i < 5; i++)
        {
            chip.TemperatureCelsius = t += 0.5;
            sensor.Read(10 + i, samples);
            checker.Apply(samples);
        }

        Assert.Equal(21.5, samples[0].Value, 1);
        Assert.True(samples[0].Quality.HasFlag(SampleQuality.Stuck));
    }
}
