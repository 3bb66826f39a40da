using System.Text;

namespace EdgeLam.Linux.Interop;

/// <summary>An open <c>/dev/gpiochipN</c> character device.</summary>
public sealed unsafe class GpioChipHandle : IDisposable
{
    private readonly FileDescriptorHandle _fd;

    private GpioChipHandle(FileDescriptorHandle fd)
    {
        _fd = fd;
    }

    public string Path => _fd.Target;

    public static GpioChipHandle Open(string path) => new(FileDescriptorHandle.Open(path, readOnly: false));

    /// <summary>GPIO_GET_CHIPINFO_IOCTL: the chip's name, label and line count.</summary>
    public (string Name, string Label, int Lines) GetInfo()
    {
        GpioChipInfo info;
        Invoke(GpioV2.GetChipInfoIoctl, &info, "ioctl(GPIO_GET_CHIPINFO)");
        return (CString(info.Name), CString(info.Label), (int)info.Lines);
    }

    /// <summary>
    /// GPIO_V2_GET_LINE_IOCTL: requests <paramref name="offsets"/> with <paramref name="flags"/> (GpioV2.Flag*).
    /// The returned handle reads values and, when an edge flag is set, edge events.
    /// </summary>
    public GpioLineHandle RequestLines(ReadOnlySpan<uint> offsets, ulong flags, string consumer, ulong outputValues = 0, uint eventBufferSize = 0)
    {
        if (offsets.IsEmpty || offsets.Length > GpioV2.MaxLines)
        {
            throw new ArgumentOutOfRangeException(nameof(offsets), offsets.Length, $"between 1 and {GpioV2.MaxLines} lines");
        }

        var request = default(GpioV2LineRequest);
        for (var i = 0; i < offsets.Length; i++)
        {
            request.Offsets[i] = offsets[i];
        }

        var name = Encoding.UTF8.GetBytes(consumer);
        var n = Math.Min(name.Length, GpioV2.MaxNameSize - 1);
        for (var i = 0; i < n; i++)
        {
            request.Consumer[i] = name[i];
        }

        request.Config.Flags = flags;
        if ((flags & GpioV2.FlagOutput) != 0)
        {
            var attribute = (GpioV2LineConfigAttribute*)request.Config.AttributeBytes;
            attribute->Attribute.Id = GpioV2.AttributeOutputValues;
            attribute->Attribute.Value = outputValues;
            attribute->Mask = offsets.Length == 64 ? ulong.MaxValue : (1UL << offsets.Length) - 1;
            request.Config.AttributeCount = 1;
        }

        request.LineCount = (uint)offsets.Length;
        request.EventBufferSize = eventBufferSize;
        Invoke(GpioV2.GetLineIoctl, &request, "ioctl(GPIO_V2_GET_LINE)");
        return new GpioLineHandle(FileDescriptorHandle.Adopt(request.Fd, Path + " lines"), offsets.Length);
    }

    public void Dispose() => _fd.Dispose();

    private void Invoke(nuint request, void* argument, string operation)
    {
        var added = false;
        _fd.DangerousAddRef(ref added);
        try
        {
            SysCall.Check(Libc.Ioctl(_fd.Fd, request, argument), operation, Path);
        }
        finally
        {
            _fd.DangerousRelease();
        }
    }

    private static string CString(byte* bytes)
    {
        var length = 0;
        while (length < GpioV2.MaxNameSize && bytes[length] != 0)
        {
            length++;
        }

        return Encoding.UTF8.GetString(bytes, length);
    }
}
