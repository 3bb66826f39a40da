namespace EdgeLam.Core.Native;

/// <summary>One place a native library is looked for: a file path, or a bare name for the system loader.</summary>
public readonly record struct NativeLibraryCandidate(NativeLibrarySource Source, string PathOrName);

/// <summary>A candidate that was tried and why it was not used.</summary>
public readonly record struct NativeLibraryAttempt(NativeLibraryCandidate Candidate, string Failure)
{
    /// <inheritdoc />
    public override string ToString() => Candidate.Source + ": " + Candidate.PathOrName + " (" + Failure + ")";
}
