using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Parts;
using EdgeLam.Sensors.Simulation.Chips;

namespace EdgeLam.Sensors.Tests.Parts;

/// <summary>INA219 through Iot.Device.Adc.Ina219 over a simulated register map.</summary>
public class PowerPartTests
{
    [Fact]
    public void Ina219Calibration_DatasheetExample_Gives4096()
    {
        // SBOS448 8.5.1: R_shunt = 0.1 Ω, max 3.2 A → Current_LSB rounded to 100 µA → Cal = trunc(0.04096 / (100 µA · 0.1 Ω)) = 4096.
        var (cal, lsb) = AdcParts.Ina219Calibration(0.1, 3.2);

        Assert.Equal(4096, cal);
        Assert.Equal(100e-6, lsb, 12);
    }

    [Fact]
    public void Ina219_OneAmpAt12Volts_ReadsDatasheetRegisterScales()
    {
        // 1 A through 0.1 Ω = 100 mV = 10000 × 10 µV; 12 V = 3000 × 4 mV; current = 10000 · 4096 / 4096 = 10000 × 100 µA;
        // power = 10000 · 3000 / 5000 = 6000 × 2 mW = 12 W.
        using var chip = new SimulatedIna219 { CurrentAmps = 1.0, BusVolts = 12.0 };
        using var sensor = PartHarness.Open("ina219", chip);

        var samples = PartHarness.Read(sensor);

        Assert.Equal(4096, chip[5]);
        Assert.Equal(10000, (short)chip[1]);
        Assert.Equal(12.0, samples[0].Value, 3);
        Assert.Equal(0.1, samples[1].Value, 5);
        Assert.Equal(1.0, samples[2].Value, 4);
        Assert.Equal(12.0, samples[3].Value, 3);
    }

    [Fact]
    public void Ina219_ShuntOption_ChangesCalibration()
    {
        using var chip = new SimulatedIna219 { ShuntOhms = 0.01, CurrentAmps = 5.0, BusVolts = 5.0 };
        using var sensor = PartHarness.Open("ina219", chip, new DeviceOptions { Options = { ["ShuntOhms"] = "0.01", ["MaxCurrentAmps"] = "10" } });

        var samples = PartHarness.Read(sensor);

        // 10 A / 32768 = 305 µA → 500 µA; Cal = trunc(0.04096 / (500 µA · 0.01 Ω)) = 8192.
        Assert.Equal(8192, chip[5]);
        Assert.Equal(5.0, samples[2].Value, 2);
    }

    [Fact]
    public void Ina219_Nack_ThrowsNoAcknowledgeAndRecovers()
    {
        using var chip = new SimulatedIna219 { CurrentAmps = 0.25 };
        using var sensor = PartHarness.Open("ina219", chip);
        chip.Faults.NackNext = 1;

        Assert.Equal(SensorFault.NoAcknowledge, Assert.Throws<SensorException>(() => PartHarness.Read(sensor)).Fault);
        Assert.Equal(0.25, PartHarness.Read(sensor)[2].Value, 3);
    }

    [Fact]
    public void Ina219_ShortRead_ThrowsShortRead()
    {
        using var chip = new SimulatedIna219();
        using var sensor = PartHarness.Open("ina219", chip);
        chip.Faults.ShortReadNext = 1;
        chip.Faults.ShortReadBytes = 1;

        Assert.Equal(SensorFault.ShortRead, Assert.Throws<SensorException>(() => PartHarness.Read(sensor)).Fault);
    }
}
