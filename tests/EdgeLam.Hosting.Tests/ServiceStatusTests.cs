using EdgeLam.Hosting.Status;

namespace EdgeLam.Hosting.Tests;

public class ServiceStatusTests
{
    [Fact]
    public void Line_JoinsWaitsOnceRunning_AndRaisesChangedOnlyOnChange()
    {
        var status = new ServiceStatus();
        var lines = new List<string>();
        status.Changed += lines.Add;

        status.Set("model", "waiting for model assignment");
        status.SetPhase("running");
        status.Set("mqtt", "waiting for broker localhost:1883");
        status.Set("mqtt", "waiting for broker localhost:1883");
        status.Set("mqtt", null);
        status.Set("model", null);

        Assert.Equal(
        [
            "starting: waiting for model assignment",
            "waiting for model assignment",
            "waiting for model assignment; waiting for broker localhost:1883",
            "waiting for model assignment",
            "running",
        ], lines);
    }

    [Fact]
    public void Line_SummaryWhileRunning_ShownOnlyWhenNothingIsAwaited()
    {
        var status = new ServiceStatus();
        status.SetSummary("peer p1: 3 steps");
        var beforeRunning = status.Line;
        status.SetPhase("running");
        var running = status.Line;
        status.Set("broker", "waiting for broker localhost:1883");
        var waiting = status.Line;
        status.Set("broker", null);
        status.SetPhase("stopping");

        Assert.Equal("starting", beforeRunning);
        Assert.Equal("peer p1: 3 steps", running);
        Assert.True(status.IsSummaryChange(running));
        Assert.Equal("waiting for broker localhost:1883", waiting);
        Assert.False(status.IsSummaryChange(waiting));
        Assert.Equal("stopping", status.Line);
    }

    [Fact]
    public void Line_Stopping_HidesWaits()
    {
        var status = new ServiceStatus();
        status.Set("model", "waiting for model assignment");

        status.SetPhase("stopping");

        Assert.Equal("stopping", status.Line);
    }
}
