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
    public void Line_Stopping_HidesWaits()
    {
        var status = new ServiceStatus();
        status.Set("model", "waiting for model assignment");

        status.SetPhase("stopping");

        Assert.Equal("stopping", status.Line);
    }
}
