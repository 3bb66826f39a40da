using EdgeLam.Sensors.Simulation.ChipModels;

namespace EdgeLam.Sensors.Simulation.Chips;

/// <summary>
/// An MPU-6050 register map: WHO_AM_I, PWR_MGMT_1 (sleeps after reset), GYRO/ACCEL_CONFIG full-scale bits and the
/// 14-byte big-endian data block, refreshed from the physical inputs when the master points at ACCEL_XOUT_H.
/// </summary>
public sealed class SimulatedMpu6050 : RegisterMapDevice
{
    public SimulatedMpu6050(int address = Mpu6050Scale.DefaultAddress)
        : base(address)
    {
        this[(int)Mpu6050Register.WhoAmI] = Mpu6050Scale.WhoAmIValue;
        this[(int)Mpu6050Register.PowerManagement1] = Mpu6050Scale.SleepBit;
    }

    /// <summary>Acceleration in g (x, y, z).</summary>
    public (double X, double Y, double Z) AccelG { get; set; } = (0, 0, 1);

    /// <summary>Angular rate in °/s.</summary>
    public (double X, double Y, double Z) GyroDps { get; set; }

    public double TemperatureCelsius { get; set; } = 25.0;

    public Func<((double X, double Y, double Z) AccelG, (double X, double Y, double Z) GyroDps)>? Inputs { get; set; }

    public bool Asleep => (this[(int)Mpu6050Register.PowerManagement1] & Mpu6050Scale.SleepBit) != 0;

    protected override bool IsWritable(byte register) => register != (byte)Mpu6050Register.WhoAmI && (register < 0x3B || register > 0x60);

    protected override void OnRegisterWritten(byte register, byte value)
    {
        if (register == (byte)Mpu6050Register.PowerManagement1 && (value & Mpu6050Scale.DeviceReset) != 0)
        {
            this[register] = Mpu6050Scale.SleepBit;
            this[(int)Mpu6050Register.AccelConfig] = 0;
            this[(int)Mpu6050Register.GyroConfig] = 0;
        }
    }

    protected override void OnPointerSet(byte register)
    {
        if (register != (byte)Mpu6050Register.AccelXoutHigh || Asleep || Faults.Stuck)
        {
            return;
        }

        if (Inputs is { } inputs)
        {
            (AccelG, GyroDps) = inputs();
        }

        var accel = Mpu6050Scale.AccelLsbPerG((Mpu6050AccelRange)((this[(int)Mpu6050Register.AccelConfig] >> 3) & 3));
        var gyro = Mpu6050Scale.GyroLsbPerDps((Mpu6050GyroRange)((this[(int)Mpu6050Register.GyroConfig] >> 3) & 3));
        SetBigEndian16(0x3B, Code(AccelG.X * accel));
        SetBigEndian16(0x3D, Code(AccelG.Y * accel));
        SetBigEndian16(0x3F, Code(AccelG.Z * accel));
        SetBigEndian16(0x41, Code((TemperatureCelsius - 36.53) * 340.0));
        SetBigEndian16(0x43, Code(GyroDps.X * gyro));
        SetBigEndian16(0x45, Code(GyroDps.Y * gyro));
        SetBigEndian16(0x47, Code(GyroDps.Z * gyro));
    }

    private static int Code(double value) => (int)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
}
