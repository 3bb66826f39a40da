namespace EdgeLam.Linux.Interop;

/// <summary>Reads a small sysfs attribute with open/read/close and no managed allocation.</summary>
public static unsafe class SysfsFile
{
    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes from the start of <paramref name="path"/>; returns the count.</summary>
    public static int Read(string path, Span<byte> buffer)
    {
        var fd = SysCall.Check(Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC), "open", path);
        try
        {
            fixed (byte* b = buffer)
            {
                while (true)
                {
                    var n = Libc.Read(fd, b, (nuint)buffer.Length);
                    if (n < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Errno.EINTR)
                    {
                        continue;
                    }

                    return (int)SysCall.Check(n, "read", path);
                }
            }
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }
}
