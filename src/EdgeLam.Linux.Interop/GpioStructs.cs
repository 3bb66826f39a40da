using System.Runtime.InteropServices;

namespace EdgeLam.Linux.Interop;

// Layouts of the GPIO character device v2 uAPI (include/uapi/linux/gpio.h, Linux 5.10+). Sizes are asserted
// against the header in EdgeLam.Sensors.Tests (GpioStructLayoutTests).

/// <summary><c>struct gpiochip_info</c>: name[32], label[32], lines u32; 68 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct GpioChipInfo
{
    public fixed byte Name[GpioV2.MaxNameSize];
    public fixed byte Label[GpioV2.MaxNameSize];
    public uint Lines;
}

/// <summary><c>struct gpio_v2_line_attribute</c>: id u32, padding u32, union { flags u64; values u64; debounce_period_us u32 }; 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct GpioV2LineAttribute
{
    public uint Id;
    public uint Padding;
    public ulong Value;
}

/// <summary><c>struct gpio_v2_line_config_attribute</c>: attr (16 bytes), mask u64; 24 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct GpioV2LineConfigAttribute
{
    public GpioV2LineAttribute Attribute;
    public ulong Mask;
}

/// <summary><c>struct gpio_v2_line_config</c>: flags u64, num_attrs u32, padding[5] u32, attrs[10]; 272 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct GpioV2LineConfig
{
    public ulong Flags;
    public uint AttributeCount;
    public fixed uint Padding[5];

    // attrs[GPIO_V2_LINE_NUM_ATTRS_MAX] of 24 bytes each, addressed through Attributes().
    public fixed byte AttributeBytes[GpioV2.MaxAttributes * 24];
}

/// <summary><c>struct gpio_v2_line_request</c>: offsets[64] u32, consumer[32], config (272), num_lines u32, event_buffer_size u32, padding[5] u32, fd s32; 592 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct GpioV2LineRequest
{
    public fixed uint Offsets[GpioV2.MaxLines];
    public fixed byte Consumer[GpioV2.MaxNameSize];
    public GpioV2LineConfig Config;
    public uint LineCount;
    public uint EventBufferSize;
    public fixed uint Padding[5];
    public int Fd;
}

/// <summary><c>struct gpio_v2_line_values</c>: bits u64, mask u64; 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct GpioV2LineValues
{
    public ulong Bits;
    public ulong Mask;
}

/// <summary><c>struct gpio_v2_line_event</c>: timestamp_ns u64, id u32, offset u32, seqno u32, line_seqno u32, padding[6] u32; 48 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct GpioV2LineEvent
{
    public ulong TimestampNs;
    public uint Id;
    public uint Offset;
    public uint SequenceNumber;
    public uint LineSequenceNumber;
    public fixed uint Padding[6];
}

/// <summary>Constants and ioctl numbers of the GPIO v2 uAPI.</summary>
public static class GpioV2
{
    public const int MaxNameSize = 32;
    public const int MaxLines = 64;
    public const int MaxAttributes = 10;

    public const ulong FlagUsed = 1UL << 0;
    public const ulong FlagActiveLow = 1UL << 1;
    public const ulong FlagInput = 1UL << 2;
    public const ulong FlagOutput = 1UL << 3;
    public const ulong FlagEdgeRising = 1UL << 4;
    public const ulong FlagEdgeFalling = 1UL << 5;
    public const ulong FlagOpenDrain = 1UL << 6;
    public const ulong FlagOpenSource = 1UL << 7;
    public const ulong FlagBiasPullUp = 1UL << 8;
    public const ulong FlagBiasPullDown = 1UL << 9;
    public const ulong FlagBiasDisabled = 1UL << 10;
    public const ulong FlagEventClockRealtime = 1UL << 11;

    public const uint AttributeFlags = 1;
    public const uint AttributeOutputValues = 2;
    public const uint AttributeDebounce = 3;

    public const uint EventRisingEdge = 1;
    public const uint EventFallingEdge = 2;

    private const uint Magic = 0xB4;

    /// <summary>GPIO_GET_CHIPINFO_IOCTL = _IOR(0xB4, 0x01, struct gpiochip_info).</summary>
    public static nuint GetChipInfoIoctl => IoctlRequest.IoR(Magic, 0x01, 68);

    /// <summary>GPIO_V2_GET_LINE_IOCTL = _IOWR(0xB4, 0x07, struct gpio_v2_line_request).</summary>
    public static nuint GetLineIoctl => IoctlRequest.IoWR(Magic, 0x07, 592);

    /// <summary>GPIO_V2_LINE_SET_CONFIG_IOCTL = _IOWR(0xB4, 0x0D, struct gpio_v2_line_config).</summary>
    public static nuint SetConfigIoctl => IoctlRequest.IoWR(Magic, 0x0D, 272);

    /// <summary>GPIO_V2_LINE_GET_VALUES_IOCTL = _IOWR(0xB4, 0x0E, struct gpio_v2_line_values).</summary>
    public static nuint GetValuesIoctl => IoctlRequest.IoWR(Magic, 0x0E, 16);

    /// <summary>GPIO_V2_LINE_SET_VALUES_IOCTL = _IOWR(0xB4, 0x0F, struct gpio_v2_line_values).</summary>
    public static nuint SetValuesIoctl => IoctlRequest.IoWR(Magic, 0x0F, 16);
}
