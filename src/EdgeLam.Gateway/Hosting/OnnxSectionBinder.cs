using EdgeLam.Core.Configuration;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Binds section <c>Onnx</c> (usually from the board profile) into <see cref="OnnxRuntimeOptions"/> without
/// reflection and reports the binding's and <see cref="OnnxRuntimeOptions.Validate"/>'s problems.
/// </summary>
internal sealed class OnnxSectionBinder : IConfigSectionBinder
{
    private const string S = OnnxRuntimeOptions.SectionName;

    public string Section => S;

    public object Bind(ConfigReader reader, EdgeLamSettings settings)
    {
        var options = Bind(reader);
        foreach (var problem in options.Validate())
        {
            reader.Problem(problem);
        }

        return options;
    }

    private static OnnxRuntimeOptions Bind(ConfigReader r)
    {
        var options = new OnnxRuntimeOptions
        {
            LibraryPath = r.Configuration[S + ":LibraryPath"],
            IntraOpThreads = r.Int(S + ":IntraOpThreads", 0, 0, OnnxRuntimeOptions.MaxThreads),
            InterOpThreads = r.Int(S + ":InterOpThreads", 0, 0, OnnxRuntimeOptions.MaxThreads),
            GraphOptimizationLevel = r.Choice(S + ":GraphOptimizationLevel", GraphOptimizationLevel.All, Names<GraphOptimizationLevel>()),
            LogLevel = r.Choice(S + ":LogLevel", OrtLogLevel.Fatal, Names<OrtLogLevel>()),
        };
        foreach (var provider in r.Configuration.GetSection(S + ":Providers").GetChildren())
        {
            options.Providers.Add(provider.Value ?? "");
        }

        return options;
    }

    private static KeyValuePair<string, T>[] Names<T>()
        where T : struct, Enum => [.. Enum.GetValues<T>().Select(v => new KeyValuePair<string, T>(v.ToString(), v))];
}
