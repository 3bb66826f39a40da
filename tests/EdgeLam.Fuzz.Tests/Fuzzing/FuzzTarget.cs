namespace EdgeLam.Fuzz.Tests.Fuzzing;

/// <summary>What a target did with one input: took it, or refused it with its own typed error.</summary>
public enum FuzzOutcome
{
    Accepted,
    Rejected,
}

/// <summary>
/// One parser the daemon exposes to input from outside (the broker, a file). <see cref="Run"/> feeds it one input the
/// way the daemon does and returns the outcome; any exception that escapes is a defect (the daemon would log an
/// unexpected error, or die).
/// </summary>
public abstract class FuzzTarget
{
    public abstract string Name { get; }

    /// <summary>Valid inputs the mutator starts from (at least one).</summary>
    public abstract IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>True when mutations should also edit JSON structure (values, keys, nesting).</summary>
    public virtual bool IsJson => true;

    public abstract FuzzOutcome Run(byte[] input);

    /// <summary>Optionally repairs a mutant (e.g. a length field or checksum) so the checks behind it are reached too.</summary>
    public virtual byte[] Repair(byte[] mutant, Random random) => mutant;
}
