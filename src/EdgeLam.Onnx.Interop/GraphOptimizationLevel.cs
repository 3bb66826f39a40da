namespace EdgeLam.Onnx.Interop;

/// <summary>ORT's <c>GraphOptimizationLevel</c>.</summary>
public enum GraphOptimizationLevel
{
    /// <summary>ORT_DISABLE_ALL: run the graph as stored.</summary>
    Disabled = 0,

    /// <summary>ORT_ENABLE_BASIC: constant folding, redundant node removal.</summary>
    Basic = 1,

    /// <summary>ORT_ENABLE_EXTENDED: plus operator fusions.</summary>
    Extended = 2,

    /// <summary>ORT_ENABLE_LAYOUT: plus layout optimizations (ONNX Runtime 1.22 and newer).</summary>
    Layout = 3,

    /// <summary>ORT_ENABLE_ALL: everything (ORT's default).</summary>
    All = 99,
}
