using System.Globalization;

namespace EdgeLam.Gateway.Hosting;

/// <summary>What the kernel says about memory (for the capacity a node announces).</summary>
internal static class MemoryInfo
{
    /// <summary>
    /// Memory available for new allocations without swapping: <c>MemAvailable</c> of <c>/proc/meminfo</c>, capped by
    /// the service's cgroup v2 limit (<c>memory.max</c> − <c>memory.current</c>) when one is set; null when unreadable.
    /// </summary>
    public static long? AvailableBytes(string procRoot = "/proc", string cgroupRoot = "/sys/fs/cgroup")
    {
        long? available = null;
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(procRoot, "meminfo")))
            {
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                    {
                        available = kib * 1024;
                    }

                    break;
                }
            }

            var group = File.ReadLines(Path.Combine(procRoot, "self", "cgroup")).FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
            if (group is not null)
            {
                var dir = Path.Combine(cgroupRoot, group.TrimStart('/'));
                var max = Path.Combine(dir, "memory.max");
                var current = Path.Combine(dir, "memory.current");
                if (File.Exists(max) && File.Exists(current)
                    && long.TryParse(File.ReadAllText(max).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
                    && long.TryParse(File.ReadAllText(current).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var used))
                {
                    var left = Math.Max(0, limit - used);
                    available = available is { } a ? Math.Min(a, left) : left;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return available;
    }
}
