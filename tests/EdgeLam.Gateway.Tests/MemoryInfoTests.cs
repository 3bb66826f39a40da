using EdgeLam.Gateway.Hosting;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests;

public sealed class MemoryInfoTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (string Proc, string Cgroup) Tree(string? memoryMax, string memoryCurrent = "0")
    {
        var proc = Directory.CreateDirectory(_dir.Combine("proc")).FullName;
        Directory.CreateDirectory(Path.Combine(proc, "self"));
        File.WriteAllText(Path.Combine(proc, "meminfo"), "MemTotal:       24576000 kB\nMemFree:         1000000 kB\nMemAvailable:   20000000 kB\n");
        File.WriteAllText(Path.Combine(proc, "self", "cgroup"), "0::/system.slice/edgelam.service\n");
        var cgroup = Directory.CreateDirectory(_dir.Combine("cgroup")).FullName;
        var service = Directory.CreateDirectory(Path.Combine(cgroup, "system.slice", "edgelam.service")).FullName;
        if (memoryMax is not null)
        {
            File.WriteAllText(Path.Combine(service, "memory.max"), memoryMax + "\n");
            File.WriteAllText(Path.Combine(service, "memory.current"), memoryCurrent + "\n");
        }

        return (proc, cgroup);
    }

    [Fact]
    public void AvailableBytes_NoCgroupLimit_MemAvailable()
    {
        var (proc, cgroup) = Tree(memoryMax: null);
        Assert.Equal(20000000L * 1024, MemoryInfo.AvailableBytes(proc, cgroup));
    }

    [Fact]
    public void AvailableBytes_CgroupMaxIsTheWordMax_MemAvailable()
    {
        var (proc, cgroup) = Tree(memoryMax: "max");
        Assert.Equal(20000000L * 1024, MemoryInfo.AvailableBytes(proc, cgroup));
    }

    [Fact]
    public void AvailableBytes_CgroupLimitBelowMemAvailable_WhatTheLimitLeaves()
    {
        var (proc, cgroup) = Tree(memoryMax: "1073741824", memoryCurrent: "73741824");
        Assert.Equal(1_000_000_000L, MemoryInfo.AvailableBytes(proc, cgroup));
    }

    [Fact]
    public void AvailableBytes_NoProcTree_Null()
    {
        Assert.Null(MemoryInfo.AvailableBytes(_dir.Combine("missing"), _dir.Combine("missing-cgroup")));
    }
}
