namespace EdgeLam.Gateway.Hosting;

/// <summary>Process exit codes (sysexits.h); the unit's RestartPreventExitStatus= keeps 78 from restart loops.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Problems = 1;

    /// <summary>EX_SOFTWARE: an unexpected failure while starting or running.</summary>
    public const int Software = 70;

    /// <summary>EX_CONFIG: the configuration is invalid.</summary>
    public const int Config = 78;
}
