namespace EdgeLam.Hosting.Doctor;

public enum DoctorSeverity
{
    Ok,
    Info,
    Warning,
    Problem,
}

/// <summary>One line of the doctor's report; problems carry the fix.</summary>
public sealed record DoctorFinding(DoctorSeverity Severity, string Check, string Message, string? Fix = null)
{
    public static DoctorFinding Ok(string check, string message) => new(DoctorSeverity.Ok, check, message);

    public static DoctorFinding Info(string check, string message) => new(DoctorSeverity.Info, check, message);

    public static DoctorFinding Warning(string check, string message, string fix) => new(DoctorSeverity.Warning, check, message, fix);

    public static DoctorFinding Problem(string check, string message, string fix) => new(DoctorSeverity.Problem, check, message, fix);

    public override string ToString()
    {
        var tag = Severity switch
        {
            DoctorSeverity.Ok => "ok  ",
            DoctorSeverity.Info => "info",
            DoctorSeverity.Warning => "warn",
            _ => "FAIL",
        };
        return Fix is null ? $"{tag} {Check}: {Message}" : $"{tag} {Check}: {Message}\n     fix: {Fix}";
    }
}
