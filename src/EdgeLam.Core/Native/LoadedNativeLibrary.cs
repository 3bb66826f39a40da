namespace EdgeLam.Core.Native;

/// <summary>A loaded native library: its OS handle, where it came from, and the candidates that failed before it.</summary>
public sealed record LoadedNativeLibrary(nint Handle, NativeLibraryCandidate Candidate, IReadOnlyList<NativeLibraryAttempt> FailedAttempts);
