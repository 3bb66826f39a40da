namespace EdgeLam.Core.Native;

/// <summary>Where a native library candidate comes from, in the order they are tried.</summary>
public enum NativeLibrarySource
{
    /// <summary>An explicit path from configuration; when set, it is the only candidate.</summary>
    Configured,

    /// <summary>Beside the executable: <c>&lt;app&gt;/FILE</c> or <c>&lt;app&gt;/native/FILE</c> (the published layout).</summary>
    BesideExecutable,

    /// <summary><c>native/&lt;library&gt;/&lt;rid&gt;/FILE</c> in a folder above the executable (a repository checkout).</summary>
    Repository,

    /// <summary>The system loader's search (LD_LIBRARY_PATH, ld.so.cache, default paths).</summary>
    SystemLoader,
}
