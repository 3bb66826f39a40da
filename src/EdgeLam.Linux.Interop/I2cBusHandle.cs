namespace EdgeLam.Linux.Interop;

/// <summary>An open <c>/dev/i2c-N</c> adapter: I2C_SLAVE and I2C_RDWR transfers.</summary>
public sealed unsafe class I2cBusHandle : IDisposable
{
    private readonly FileDescriptorHandle _fd;

    private I2cBusHandle(FileDescriptorHandle fd)
    {
        _fd = fd;
    }

    public string Path => _fd.Target;

    public static I2cBusHandle Open(string path) => new(FileDescriptorHandle.Open(path));

    /// <summary>I2C_SLAVE: binds plain read()/write() on this descriptor to a 7-bit address.</summary>
    public void SetSlaveAddress(int address)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(address);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(address, 0x7F);
        var added = false;
        _fd.DangerousAddRef(ref added);
        try
        {
            SysCall.Check(Libc.Ioctl(_fd.Fd, I2cIoctl.Slave, (nuint)address), "ioctl(I2C_SLAVE)", Path);
        }
        finally
        {
            _fd.DangerousRelease();
        }
    }

    /// <summary>
    /// I2C_RDWR: one combined transaction. When <paramref name="write"/> and <paramref name="read"/> are both non-empty
    /// the read follows the write with a repeated start (the register-pointer read every sensor here uses).
    /// </summary>
    public void Transfer(int address, ReadOnlySpan<byte> write, Span<byte> read)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(address);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(address, 0x7F);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(write.Length, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(read.Length, ushort.MaxValue);
        if (write.IsEmpty && read.IsEmpty)
        {
            return;
        }

        var messages = stackalloc I2cMessage[2];
        var count = 0u;
        fixed (byte* w = write)
        fixed (byte* r = read)
        {
            if (!write.IsEmpty)
            {
                messages[count++] = new I2cMessage { Address = (ushort)address, Flags = 0, Length = (ushort)write.Length, Buffer = w };
            }

            if (!read.IsEmpty)
            {
                messages[count++] = new I2cMessage { Address = (ushort)address, Flags = I2cMessage.ReadFlag, Length = (ushort)read.Length, Buffer = r };
            }

            var data = new I2cReadWriteData { Messages = messages, MessageCount = count };
            var added = false;
            _fd.DangerousAddRef(ref added);
            try
            {
                var done = SysCall.Check(Libc.Ioctl(_fd.Fd, I2cIoctl.ReadWrite, &data), "ioctl(I2C_RDWR)", Path);
                if (done != count)
                {
                    throw new LinuxIoException("ioctl(I2C_RDWR)", Path, Errno.EIO);
                }
            }
            finally
            {
                _fd.DangerousRelease();
            }
        }
    }

    public void Dispose() => _fd.Dispose();
}
