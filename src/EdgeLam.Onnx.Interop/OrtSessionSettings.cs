namespace EdgeLam.Onnx.Interop;

/// <summary>Per-session settings; <see cref="OnnxRuntime.OpenSession(string)"/> takes them from <see cref="OnnxRuntimeOptions"/>.</summary>
/// <param name="IntraOpThreads">Threads inside one operator; 0 lets ORT choose.</param>
/// <param name="InterOpThreads">Threads across operators; 0 lets ORT choose.</param>
/// <param name="GraphOptimizationLevel">Graph optimizations at load.</param>
/// <param name="Providers">Execution providers in order of preference (CPU is always the last fallback).</param>
public sealed record OrtSessionSettings(
    int IntraOpThreads = 0,
    int InterOpThreads = 0,
    GraphOptimizationLevel GraphOptimizationLevel = GraphOptimizationLevel.All,
    IReadOnlyList<string>? Providers = null)
{
    /// <summary>The settings <paramref name="options"/> describe.</summary>
    public static OrtSessionSettings From(OnnxRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.IntraOpThreads, options.InterOpThreads, options.GraphOptimizationLevel, [.. options.Providers]);
    }
}
