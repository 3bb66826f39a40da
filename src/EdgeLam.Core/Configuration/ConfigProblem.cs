namespace EdgeLam.Core.Configuration;

/// <summary>
/// One thing wrong with the configuration: the key, the value found there, and what is allowed. Every validator
/// returns these (the daemon's sections, ONNX Runtime, sensors, the stage, the MQTT client), so the key is always a
/// field and never recovered from a message.
/// </summary>
/// <param name="Key">The configuration key (<c>Mqtt:Port</c>), or a file path for a file that cannot be read.</param>
/// <param name="Value">The value found, or null when the key is not set; secrets are reported as <c>(hidden)</c>.</param>
/// <param name="Allowed">What would be accepted, phrased so it completes "must ...".</param>
public sealed record ConfigProblem(string Key, string? Value, string Allowed)
{
    /// <summary><c>Mqtt:Port = "70000": must be an integer from 1 to 65535</c>.</summary>
    public override string ToString() => Value is null ? $"{Key}: {Allowed}" : $"{Key} = \"{Value}\": {Allowed}";

    /// <summary>Every problem, one per line (for an exception message).</summary>
    public static string Lines(IEnumerable<ConfigProblem> problems) => string.Join(Environment.NewLine, problems);
}
