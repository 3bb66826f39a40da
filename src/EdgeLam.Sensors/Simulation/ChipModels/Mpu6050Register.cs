namespace EdgeLam.Sensors.Simulation.ChipModels;

/// <summary>MPU-6000/6050 registers (InvenSense RM-MPU-6000A register map, rev 4.2).</summary>
public enum Mpu6050Register : byte
{
    SampleRateDivider = 0x19,
    Config = 0x1A,
    GyroConfig = 0x1B,
    AccelConfig = 0x1C,

    /// <summary>ACCEL_XOUT_H: first of 14 big-endian data bytes (accel xyz, temperature, gyro xyz).</summary>
    AccelXoutHigh = 0x3B,
    TempOutHigh = 0x41,
    GyroXoutHigh = 0x43,
    PowerManagement1 = 0x6B,
    WhoAmI = 0x75,
}

/// <summary>AFS_SEL (ACCEL_CONFIG bits 4:3): full-scale range of the accelerometer.</summary>
public enum Mpu6050AccelRange : byte
{
    G2 = 0,
    G4 = 1,
    G8 = 2,
    G16 = 3,
}

/// <summary>FS_SEL (GYRO_CONFIG bits 4:3): full-scale range of the gyroscope.</summary>
public enum Mpu6050GyroRange : byte
{
    Dps250 = 0,
    Dps500 = 1,
    Dps1000 = 2,
    Dps2000 = 3,
}

/// <summary>Datasheet sensitivities (PS-MPU-6000A sections 6.1, 6.2) and register constants.</summary>
public static class Mpu6050Scale
{
    public const byte WhoAmIValue = 0x68;
    public const int DefaultAddress = 0x68;
    public const double StandardGravity = 9.80665;

    /// <summary>PWR_MGMT_1: SLEEP bit, CLKSEL=1 (PLL with X gyro reference), DEVICE_RESET bit.</summary>
    public const byte SleepBit = 0x40;
    public const byte ClockPllX = 0x01;
    public const byte DeviceReset = 0x80;

    /// <summary>LSB per g: 16384, 8192, 4096, 2048.</summary>
    public static double AccelLsbPerG(Mpu6050AccelRange range) => 16384.0 / (1 << (int)range);

    /// <summary>LSB per °/s: 131, 65.5, 32.8, 16.4.</summary>
    public static double GyroLsbPerDps(Mpu6050GyroRange range) => range switch
    {
        Mpu6050GyroRange.Dps250 => 131.0,
        Mpu6050GyroRange.Dps500 => 65.5,
        Mpu6050GyroRange.Dps1000 => 32.8,
        _ => 16.4,
    };

    /// <summary>Register map 4.18: temperature in °C = TEMP_OUT / 340 + 36.53.</summary>
    public static double TemperatureCelsius(short raw) => (raw / 340.0) + 36.53;

    public static Mpu6050AccelRange AccelRangeFromG(int g) => g switch
    {
        2 => Mpu6050AccelRange.G2,
        4 => Mpu6050AccelRange.G4,
        8 => Mpu6050AccelRange.G8,
        16 => Mpu6050AccelRange.G16,
        _ => throw new ArgumentOutOfRangeException(nameof(g), g, "2, 4, 8 or 16"),
    };

    public static Mpu6050GyroRange GyroRangeFromDps(int dps) => dps switch
    {
        250 => Mpu6050GyroRange.Dps250,
        500 => Mpu6050GyroRange.Dps500,
        1000 => Mpu6050GyroRange.Dps1000,
        2000 => Mpu6050GyroRange.Dps2000,
        _ => throw new ArgumentOutOfRangeException(nameof(dps), dps, "250, 500, 1000 or 2000"),
    };
}
