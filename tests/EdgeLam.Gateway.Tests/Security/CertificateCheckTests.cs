using EdgeLam.Gateway.Hosting;
using EdgeLam.Hosting.Doctor;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Gateway.Tests.Security;

/// <summary><c>edgelam doctor</c>'s certificate expiry check, with the clock moved forward instead of the certificates.</summary>
public sealed class CertificateCheckTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// A CA valid for 400 days and a node certificate valid for 60 as the configured TLS files, checked
    /// <paramref name="daysLater"/> days from now; <paramref name="warnDays"/> null keeps the default warning time.
    /// </summary>
    private DoctorContext Context(double daysLater, int? warnDays = null)
    {
        var (ca, _) = TestCertificates.Write(_dir.Path, "ca", Now.AddDays(-1), Now.AddDays(400));
        var (cert, key) = TestCertificates.Write(_dir.Path, "gw1", Now.AddDays(-1), Now.AddDays(60));
        var settings = DaemonSettings.Valid(("Mqtt:Tls:CaFile", ca), ("Mqtt:Tls:CertFile", cert), ("Mqtt:Tls:KeyFile", key));
        var time = new FixedTime(Now.AddDays(daysLater));
        return warnDays is { } days
            ? new DoctorContext { Settings = settings, ApplicationDirectory = _dir.Path, Time = time, CertificateWarning = TimeSpan.FromDays(days) }
            : new DoctorContext { Settings = settings, ApplicationDirectory = _dir.Path, Time = time };
    }

    private static IEnumerable<DoctorFinding> Run(DoctorContext context) =>
        CertificateCheck.Run(context, context.Settings.Section<MqttClientOptions>().Tls);

    private static DoctorFinding Of(DoctorContext context, string key) =>
        Run(context).Single(f => f.Message.StartsWith(key + " ", StringComparison.Ordinal));

    [Fact]
    public void Run_BothFarFromExpiry_OkWithDaysLeft()
    {
        var findings = Run(Context(0)).ToList();

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(DoctorSeverity.Ok, f.Severity));
        Assert.StartsWith("Mqtt:Tls:CaFile " + _dir.Combine("ca.crt") + ": 'CN=ca' valid until ", findings[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("Mqtt:Tls:CertFile " + _dir.Combine("gw1.crt") + ": 'CN=gw1' valid until ", findings[1].Message, StringComparison.Ordinal);
        Assert.EndsWith("(59 days left)", findings[1].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(29, DoctorSeverity.Ok)] // 31 days left
    [InlineData(31, DoctorSeverity.Warning)] // 29 days left: within the default 30
    [InlineData(59.9, DoctorSeverity.Warning)]
    [InlineData(60.1, DoctorSeverity.Problem)] // expired
    [InlineData(365, DoctorSeverity.Problem)]
    public void Run_NodeCertificate_WarnsWithin30DaysByDefaultFailsWhenExpired(double daysLater, DoctorSeverity expected)
    {
        var finding = Of(Context(daysLater), "Mqtt:Tls:CertFile");

        Assert.Equal(expected, finding.Severity);
        if (expected != DoctorSeverity.Ok)
        {
            Assert.Contains("edgelam certs node", finding.Fix, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(7, 29, DoctorSeverity.Ok)] // 31 days left, warning within 7
    [InlineData(7, 54, DoctorSeverity.Warning)] // 6 days left
    [InlineData(45, 29, DoctorSeverity.Warning)] // 31 days left, warning within 45
    [InlineData(0, 59.9, DoctorSeverity.Ok)] // 0 turns the warning off; expiry still fails
    [InlineData(0, 61, DoctorSeverity.Problem)]
    public void Run_OtherWarningTime_WarnsWithinIt(int warnDays, double daysLater, DoctorSeverity expected)
    {
        Assert.Equal(expected, Of(Context(daysLater, warnDays), "Mqtt:Tls:CertFile").Severity);
    }

    [Fact]
    public void Run_CaExpired_ProblemWhoseFixIsANewCa()
    {
        var finding = Of(Context(401), "Mqtt:Tls:CaFile");

        Assert.Equal(DoctorSeverity.Problem, finding.Severity);
        Assert.Contains("expired", finding.Message, StringComparison.Ordinal);
        Assert.Contains("new site CA", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoTls_NoFindings()
    {
        var context = new DoctorContext { Settings = DaemonSettings.Valid(), ApplicationDirectory = _dir.Path };

        Assert.Empty(Run(context));
    }
}
