using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeLam.Linux.Interop;

namespace EdgeLam.Sensors.Tests.Interop;

// Expected sizes and offsets are those of include/uapi/linux/gpio.h and linux/i2c(-dev).h on a 64-bit target:
// obtained by compiling sizeof/offsetof against Debian 12's linux-libc-dev headers (the header itself documents
// the padding that keeps these layouts identical on 32- and 64-bit), and the ioctl numbers printed from the macros.
public unsafe class GpioStructLayoutTests
{
    [Fact]
    public void GpioStructs_Sizes_MatchUapiHeader()
    {
        Assert.Equal(68, sizeof(GpioChipInfo));
        Assert.Equal(16, sizeof(GpioV2LineAttribute));
        Assert.Equal(24, sizeof(GpioV2LineConfigAttribute));
        Assert.Equal(272, sizeof(GpioV2LineConfig));
        Assert.Equal(592, sizeof(GpioV2LineRequest));
        Assert.Equal(16, sizeof(GpioV2LineValues));
        Assert.Equal(48, sizeof(GpioV2LineEvent));
    }

    [Fact]
    public void GpioLineRequest_FieldOffsets_MatchUapiHeader()
    {
        var r = default(GpioV2LineRequest);
        var b = (byte*)&r;
        Assert.Equal(256, (int)((byte*)r.Consumer - b));
        Assert.Equal(288, (int)((byte*)&r.Config - b));
        Assert.Equal(560, (int)((byte*)&r.LineCount - b));
        Assert.Equal(564, (int)((byte*)&r.EventBufferSize - b));
        Assert.Equal(588, (int)((byte*)&r.Fd - b));
        Assert.Equal(8, (int)Marshal.OffsetOf<GpioV2LineConfig>(nameof(GpioV2LineConfig.AttributeCount)));
        Assert.Equal(32, (int)Marshal.OffsetOf<GpioV2LineConfig>(nameof(GpioV2LineConfig.AttributeBytes)));
    }

    [Fact]
    public void GpioLineEvent_FieldOffsets_MatchUapiHeader()
    {
        Assert.Equal(8, (int)Marshal.OffsetOf<GpioV2LineEvent>(nameof(GpioV2LineEvent.Id)));
        Assert.Equal(12, (int)Marshal.OffsetOf<GpioV2LineEvent>(nameof(GpioV2LineEvent.Offset)));
        Assert.Equal(16, (int)Marshal.OffsetOf<GpioV2LineEvent>(nameof(GpioV2LineEvent.SequenceNumber)));
        Assert.Equal(20, (int)Marshal.OffsetOf<GpioV2LineEvent>(nameof(GpioV2LineEvent.LineSequenceNumber)));
    }

    [Fact]
    public void GpioIoctlNumbers_MatchHeaderMacros()
    {
        Assert.Equal((nuint)0xC250B407, GpioV2.GetLineIoctl);
        Assert.Equal((nuint)0xC010B40E, GpioV2.GetValuesIoctl);
        Assert.Equal((nuint)0xC010B40F, GpioV2.SetValuesIoctl);
        Assert.Equal((nuint)0xC110B40D, GpioV2.SetConfigIoctl);
        Assert.Equal((nuint)0x8044B401, GpioV2.GetChipInfoIoctl);
    }

    [Fact]
    public void I2cStructs_SizesAndNumbers_MatchHeader()
    {
        Assert.Equal(16, Unsafe.SizeOf<I2cMessage>());
        Assert.Equal(16, Unsafe.SizeOf<I2cReadWriteData>());
        Assert.Equal(4, (int)Marshal.OffsetOf<I2cMessage>(nameof(I2cMessage.Length)));
        Assert.Equal(8, (int)Marshal.OffsetOf<I2cMessage>(nameof(I2cMessage.Buffer)));
        Assert.Equal(0x0707u, I2cIoctl.ReadWrite);
        Assert.Equal(0x0703u, I2cIoctl.Slave);
    }
}
