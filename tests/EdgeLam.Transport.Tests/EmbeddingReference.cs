using System.Runtime.InteropServices;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Roles;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Transport.Tests;

/// <summary>
/// The in-process reference for a request with embeddings (also linked into the gateway tests): the pipeline embeds
/// each id run with its own segment 0 (a token prefill on a scratch conversation), prefills all rows at once with
/// PrefillEmbeddings, then decodes greedily (argmax).
/// </summary>
internal static class EmbeddingReference
{
    public static IReadOnlyList<long> Generate(OnnxRuntime runtime, string splitDirectory, int contextLimit, GatewayRequest request, int maxNewTokens)
    {
        using var pipeline = InferencePipeline.Open(runtime, splitDirectory, new PipelineOptions { ContextLimit = contextLimit, Wire = WireCodec.Raw });
        var rows = new List<float>();
        foreach (var part in request.Parts)
        {
            if (part.Embeddings is { } e)
            {
                rows.AddRange(e);
                continue;
            }

            pipeline.Prefill(Guid.NewGuid(), part.Ids!);
            var hiddenName = pipeline.Segments[1].BoundaryInputs[0].Name;
            var outputs = pipeline.Segments[0].Signature.Outputs;
            var index = Enumerable.Range(0, outputs.Count).Single(i => outputs[i].Name == hiddenName);
            rows.AddRange(MemoryMarshal.Cast<byte, float>(pipeline.Segments[0].Outputs[index].GetBytes()).ToArray());
        }

        var conversation = Guid.NewGuid();
        var logits = pipeline.PrefillEmbeddings(conversation, rows.ToArray(), request.Positions);
        var tokens = new List<long>();
        while (true)
        {
            var best = 0;
            for (var i = 1; i < logits.Length; i++)
            {
                if (logits[i] > logits[best])
                {
                    best = i;
                }
            }

            tokens.Add(best);
            if (tokens.Count == maxNewTokens)
            {
                return tokens;
            }

            logits = pipeline.Decode(conversation, best);
        }
    }
}
