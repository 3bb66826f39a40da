using System.Globalization;
using EdgeLam.Core.Configuration;

namespace EdgeLam.Onnx.Interop;

/// <summary>
/// How ONNX Runtime is loaded and how sessions run. Bound from the configuration section <see cref="SectionName"/>
/// and checked with <see cref="Validate"/> at start.
/// </summary>
public sealed class OnnxRuntimeOptions
{
    /// <summary>The configuration section: <c>Onnx</c>.</summary>
    public const string SectionName = "Onnx";

    /// <summary>The largest thread count accepted.</summary>
    public const int MaxThreads = 1024;

    /// <summary>
    /// Path of <c>libonnxruntime.so</c>. When set it is the only place tried; when empty: beside the executable, then
    /// <c>native/onnxruntime/&lt;rid&gt;/</c> above it, then the system loader.
    /// </summary>
    public string? LibraryPath { get; set; }

    /// <summary>
    /// Execution providers in order of preference: <c>CUDA</c>, <c>TensorRT</c>, <c>CPU</c>. CPU is always the last
    /// fallback; an unavailable provider gives one warning and is skipped. Empty means CPU only.
    /// </summary>
    public IList<string> Providers { get; } = new List<string>();

    /// <summary>Threads inside one operator; 0 lets ORT choose (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across independent operators; 0 lets ORT choose.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Graph optimizations applied when a session loads (default: all).</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.All;

    /// <summary>
    /// The least severe message ORT's own logger prints to the console (default: fatal only). Every failure reaches the
    /// caller as an <see cref="OrtException"/> and a skipped provider as one warning, so ORT's own lines would repeat them.
    /// </summary>
    public OrtLogLevel LogLevel { get; set; } = OrtLogLevel.Fatal;

    /// <summary>Every problem with these options, each naming its key and value (empty when valid).</summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        const string S = SectionName + ":";
        var problems = new List<ConfigProblem>();
        if (LibraryPath is not null)
        {
            if (string.IsNullOrWhiteSpace(LibraryPath))
            {
                problems.Add(new(S + "LibraryPath", LibraryPath, "must not be blank (leave it unset to search the default places)"));
            }
            else if (!File.Exists(LibraryPath))
            {
                problems.Add(new(S + "LibraryPath", LibraryPath, "must name an existing file (not found)"));
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var provider in Providers)
        {
            var name = provider is null ? null : ExecutionProvider.Normalize(provider);
            if (name is null)
            {
                problems.Add(new(S + "Providers", provider, "must name supported providers: CUDA, TensorRT, CPU"));
            }
            else if (!seen.Add(name))
            {
                problems.Add(new(S + "Providers", provider, "must not list a provider twice"));
            }
        }

        if (IntraOpThreads is < 0 or > MaxThreads)
        {
            problems.Add(new(S + "IntraOpThreads", Text(IntraOpThreads), "must be 0 (ORT default) to " + Text(MaxThreads)));
        }

        if (InterOpThreads is < 0 or > MaxThreads)
        {
            problems.Add(new(S + "InterOpThreads", Text(InterOpThreads), "must be 0 (ORT default) to " + Text(MaxThreads)));
        }

        if (!Enum.IsDefined(GraphOptimizationLevel))
        {
            problems.Add(new(S + "GraphOptimizationLevel", Text((int)GraphOptimizationLevel), "must be one of Disabled, Basic, Extended, Layout, All"));
        }

        if (!Enum.IsDefined(LogLevel))
        {
            problems.Add(new(S + "LogLevel", Text((int)LogLevel), "must be one of Verbose, Info, Warning, Error, Fatal"));
        }

        return problems;
    }

    /// <summary>Throws when <see cref="Validate"/> finds problems.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid ONNX Runtime options:" + Environment.NewLine + ConfigProblem.Lines(problems));
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
