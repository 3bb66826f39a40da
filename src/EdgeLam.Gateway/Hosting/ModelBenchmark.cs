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
/// <see cref="DecodeSteps"/> decode steps, slowed by the node's <c>Node:Throttle</c> as its steps are; the median
/// decode step and the prefill over the model's compute units. The same runtime and units as the figures the node
/// later measures on its steps, so a node that has not served yet compares fairly with one that has.
/// </summary>
internal static class ModelBenchmark
{
    public const int PromptPositions = 16;
    public const int DecodeSteps = 8;

    /// <summary>Milliseconds per compute unit (decode, and prefill per position); null when the model cannot run.</summary>
    public static (double Decode, double Prefill)? Run(OnnxRuntime runtime, string perBlockDirectory, CostTable costs, double throttle)
    {
        try
        {
            var library = BlockLibrary.PerBlock(runtime, perBlockDirectory);
            using var chain = library.Open(library.Range(0, library.Blocks), new ChainOptions { ContextLimit = PromptPositions + DecodeSteps + 1 });
            chain.Throttle = throttle;
            var conversation = Guid.NewGuid();
            var prompt = Enumerable.Range(0, PromptPositions).Select(i => (long)(i % 2)).ToArray(); // ids 0 and 1 exist in every vocabulary
            chain.RunTokens(conversation, prompt);
            var prefillMs = Ms(chain.LastComputeTicks);
            var decode = new double[DecodeSteps];
            for (var i = 0; i < DecodeSteps; i++)
            {
                chain.RunTokens(conversation, [1]);
                decode[i] = Ms(chain.LastComputeTicks);
            }

            Array.Sort(decode);
            var units = new HostedRange(0, costs.BlockCount, Embedding: true, Head: true).ComputeUnits(costs);
            return units > 0 ? (decode[DecodeSteps / 2] / units, prefillMs / PromptPositions / units) : null;
        }
        catch (Exception e) when (e is InferenceException or OrtException or IOException)
        {
            return null;
        }
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
