namespace EdgeLam.Linux.Interop;

/// <summary>A line request's descriptor: get/set values and read edge events.</summary>
public sealed unsafe class GpioLineHandle : IDisposable
{
    private readonly FileDescriptorHandle _fd;

    internal GpioLineHandle(FileDescriptorHandle fd, int lineCount)
    {
        _fd = fd;
        LineCount = lineCount;
    }

    public int LineCount { get; }

    /// <summary>GPIO_V2_LINE_GET_VALUES_IOCTL: bit i is the value of the i-th requested line (masked by <paramref name="mask"/>).</summary>
    public ulong GetValues(ulong mask = ulong.MaxValue)
    {
        var values = new GpioV2LineValues { Mask = mask };
        Invoke(GpioV2.GetValuesIoctl, &values, "ioctl(GPIO_V2_LINE_GET_VALUES)");
        return values.Bits & mask;
    }

    /// <summary>GPIO_V2_LINE_SET_VALUES_IOCTL.</summary>
    public void SetValues(ulong bits, ulong mask)
    {
        var values = new GpioV2LineValues { Bits = bits, Mask = mask };
        Invoke(GpioV2.SetValuesIoctl, &values, "ioctl(GPIO_V2_LINE_SET_VALUES)");
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> (poll) for edge events and reads as many as fit.
    /// Returns the number of events read (0 on timeout).
    /// </summary>
    public int ReadEvents(Span<GpioV2LineEvent> events, int timeoutMilliseconds)
    {
        if (events.IsEmpty)
        {
            return 0;
        }

        var added = false;
        _fd.DangerousAddRef(ref added);
        try
        {
            var poll = new PollFd { Fd = _fd.Fd, Events = Libc.POLLIN | Libc.POLLPRI };
            var ready = SysCall.Check(Libc.Poll(&poll, 1, timeoutMilliseconds), "poll", _fd.Target);
            if (ready == 0)
            {
                return 0;
            }

            fixed (GpioV2LineEvent* buffer = events)
            {
                var bytes = SysCall.Check(Libc.Read(_fd.Fd, buffer, (nuint)(events.Length * sizeof(GpioV2LineEvent))), "read", _fd.Target);
                return (int)(bytes / sizeof(GpioV2LineEvent));
            }
        }
        finally
        {
            _fd.DangerousRelease();
        }
    }

    public void Dispose() => _fd.Dispose();

    private void Invoke(nuint request, void* argument, string operation)
    {
        var added = false;
        _fd.DangerousAddRef(ref added);
        try
        {
            SysCall.Check(Libc.Ioctl(_fd.Fd, request, argument), operation, _fd.Target);
        }
        finally
        {
            _fd.DangerousRelease();
        }
    }
}
