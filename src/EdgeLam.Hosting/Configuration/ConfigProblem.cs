namespace EdgeLam.Hosting.Configuration;

/// <summary>One thing wrong with the configuration: the key, the value found there, and what is allowed.</summary>
/// <param name="Key">The configuration key (<c>Mqtt:Port</c>), or a file path for a file that cannot be read.</param>
/// <param name="Value">The value found, or null when the key is not set; secrets are reported as <c>(hidden)</c>.</param>
/// <param name="Allowed">What would be accepted, phrased so it completes "must ...".</param>
public sealed record ConfigProblem(string Key, string? Value, string Allowed)
{
    private string? _text;

    /// <summary>A problem reported by another component's validator as a complete sentence naming the key.</summary>
    public static ConfigProblem Preformatted(string key, string text) => new(key, null, text) { _text = text };

    /// <summary><c>Mqtt:Port = "70000": must be an integer from 1 to 65535</c>.</summary>
    public override string ToString() =>
        _text ?? (Value is null ? $"{Key}: {Allowed}" : $"{Key} = \"{Value}\": {Allowed}");
}
