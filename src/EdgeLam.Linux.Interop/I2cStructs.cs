using System.Runtime.InteropServices;

namespace EdgeLam.Linux.Interop;

/// <summary><c>struct i2c_msg</c> (linux/i2c.h): addr u16, flags u16, len u16, buf pointer; 16 bytes on 64-bit.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct I2cMessage
{
    /// <summary>I2C_M_RD: the message reads from the slave.</summary>
    public const ushort ReadFlag = 0x0001;

    public ushort Address;
    public ushort Flags;
    public ushort Length;
    public byte* Buffer;
}

/// <summary><c>struct i2c_rdwr_ioctl_data</c> (linux/i2c-dev.h): msgs pointer, nmsgs u32; 16 bytes on 64-bit.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct I2cReadWriteData
{
    public I2cMessage* Messages;
    public uint MessageCount;
}

/// <summary>The i2c-dev ioctl numbers (linux/i2c-dev.h). These predate _IOC and are plain constants.</summary>
public static class I2cIoctl
{
    /// <summary>I2C_SLAVE: set the slave address used by read()/write().</summary>
    public const uint Slave = 0x0703;

    /// <summary>I2C_RDWR: combined transfer of up to I2C_RDWR_IOCTL_MAX_MSGS messages with repeated starts.</summary>
    public const uint ReadWrite = 0x0707;

    /// <summary>I2C_RDWR_IOCTL_MAX_MSGS.</summary>
    public const int MaxMessages = 42;
}
