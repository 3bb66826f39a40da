using System.Diagnostics;
using System.Globalization;

namespace EdgeLam.Gateway.Tests;

/// <summary>
/// Starts a process under a parent named <c>systemd</c>, the way Microsoft.Extensions.Hosting.Systemd recognises a
/// systemd service (<c>/proc/&lt;ppid&gt;/comm</c> reads <c>systemd</c>), without a real systemd (it is not PID 1 on
/// test machines). The parent is <c>/bin/sh</c>, which renames itself by writing its own <c>/proc/$$/comm</c> (as
/// prctl(PR_SET_NAME) does; proc(5)) and runs the process in the foreground, so it needs nothing beyond the base
/// system. Signals go to the child itself (<see cref="ChildOf"/>); the shell exits with the child's exit code.
/// </summary>
internal static class SystemdParent
{
    private const string Script = "printf systemd > /proc/$$/comm || exit 97; \"$@\"; exit $?";

    /// <summary>The start info of <c>/bin/sh</c> renamed to systemd, running <paramref name="binary"/> with <paramref name="args"/>.</summary>
    public static ProcessStartInfo StartInfo(string binary, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        psi.ArgumentList.Add("systemd");
        psi.ArgumentList.Add(binary);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }

    /// <summary>The process id of the one child of <paramref name="parent"/>, once it has been forked.</summary>
    public static int ChildOf(Process parent, TimeSpan timeout)
    {
        var children = $"/proc/{parent.Id}/task/{parent.Id}/children";
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout && !parent.HasExited)
        {
            var text = File.Exists(children) ? File.ReadAllText(children).Trim() : "";
            if (text.Length > 0)
            {
                Assert.Equal("systemd", File.ReadAllText($"/proc/{parent.Id}/comm").Trim());
                return int.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
            }

            Thread.Sleep(5);
        }

        throw new Xunit.Sdk.XunitException($"the systemd-named parent {parent.Id} started no child within {timeout.TotalSeconds} s");
    }
}
