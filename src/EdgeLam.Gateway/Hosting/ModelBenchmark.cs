using System.Diagnostics;
using EdgeLam.Inference;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Ranges;
using EdgeLam.Onnx.Interop;
using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Planning;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// An orchestrated node's estimate before its own steps: the node's own model (the per-block split, every block with
/// the embedding and the head) run in ONNX Runtime for one prefill of <see cref="PromptPositions"/> positions and
/// <see cref="DecodeSteps"/> decode steps, slowed by the node's <c>Node:Throttle</c> as its steps are; the fastest
/// decode step (the one least slowed by other work on the machine) and the prefill over the model's compute units. The same runtime and units as the figures the node
/// later measures on its steps; it errs on the fast side (a measured figure is the median under the node's real
/// load), so an untried node is tried once and then judged by its own steps. The chain is
/// opened once and kept, so a run again (a throttle change, a refresh while the node has no steps) costs only the
/// steps, not the sessions' loading.
/// </summary>
internal sealed class ModelBenchmark : IDisposable
{
    public const int PromptPositions = 16;
    public const int DecodeSteps = 8;

    private static readonly long[] Prompt = [.. Enumerable.Range(0, PromptPositions).Select(i => (long)(i % 2))]; // ids 0 and 1 exist in every vocabulary

    private readonly SegmentChain _chain;
    private readonly double _units;

    private ModelBenchmark(SegmentChain chain, double units)
    {
        _chain = chain;
        _units = units;
    }

    /// <summary>Opens the whole model of <paramref name="perBlockDirectory"/> to benchmark; null when it cannot run or has no compute units.</summary>
    public static ModelBenchmark? Open(OnnxRuntime runtime, string perBlockDirectory, CostTable costs)
    {
        var units = new HostedRange(0, costs.BlockCount, Embedding: true, Head: true).ComputeUnits(costs);
        if (units <= 0)
        {
            return null;
        }

        try
        {
            var library = BlockLibrary.PerBlock(runtime, perBlockDirectory);
            return new ModelBenchmark(library.Open(library.Range(0, library.Blocks), new ChainOptions { ContextLimit = PromptPositions + DecodeSteps + 1 }), units);
        }
        catch (Exception e) when (e is InferenceException or OrtException or IOException)
        {
            return null;
        }
    }

    /// <summary>Milliseconds per compute unit (decode, and prefill per position) at <paramref name="throttle"/>; null when the model cannot run.</summary>
    public (double Decode, double Prefill)? Run(double throttle)
    {
        var conversation = Guid.NewGuid();
        try
        {
            _chain.Throttle = throttle;
            _chain.RunTokens(conversation, Prompt);
            var prefillMs = Ms(_chain.LastComputeTicks);
            var decode = new double[DecodeSteps];
            for (var i = 0; i < DecodeSteps; i++)
            {
                _chain.RunTokens(conversation, [1]);
                decode[i] = Ms(_chain.LastComputeTicks);
            }

            return (decode.Min() / _units, prefillMs / PromptPositions / _units);
        }
        catch (Exception e) when (e is InferenceException or OrtException)
        {
            return null;
        }
        finally
        {
            _chain.Drop(conversation);
        }
    }

    public void Dispose() => _chain.Dispose();

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
