namespace EdgeLam.Gateway.Hosting;

/// <summary>The exit code <c>edgelam run</c> returns after the host stopped (a component that stops the host on a
/// fatal problem sets it first).</summary>
internal sealed class DaemonExit
{
    private int _code = ExitCodes.Ok;

    public int Code => Volatile.Read(ref _code);

    public void Fail(int code) => Interlocked.CompareExchange(ref _code, code, ExitCodes.Ok);
}
