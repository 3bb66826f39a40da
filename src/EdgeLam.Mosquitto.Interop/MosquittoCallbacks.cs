using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeLam.Mosquitto.Interop.Native;

namespace EdgeLam.Mosquitto.Interop;

/// <summary>
/// The native entry points libmosquitto calls. Each one resolves the managed <see cref="MosquittoClient"/> from the
/// <c>obj</c> user pointer (a weak <see cref="GCHandle"/>) and never lets an exception escape: an escaping exception
/// in an <see cref="UnmanagedCallersOnlyAttribute"/> method would terminate the process.
/// </summary>
internal static unsafe class MosquittoCallbacks
{
    private static long orphanedFaults;

    /// <summary>Faults that could not be attributed to a live client (its handle was already collected).</summary>
    internal static long OrphanedFaults => Interlocked.Read(ref orphanedFaults);

    internal static void Register(MosquittoHandle handle)
    {
        MosquittoNative.ConnectV5CallbackSet(handle, &OnConnect);
        MosquittoNative.DisconnectV5CallbackSet(handle, &OnDisconnect);
        MosquittoNative.PublishV5CallbackSet(handle, &OnPublish);
        MosquittoNative.MessageV5CallbackSet(handle, &OnMessage);
        MosquittoNative.SubscribeV5CallbackSet(handle, &OnSubscribe);
        MosquittoNative.LogCallbackSet(handle, &OnLog);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnConnect(nint mosq, nint obj, int reasonCode, int flags, nint properties)
    {
        var client = Resolve(obj);
        try
        {
            client?.Callbacks.OnConnect(reasonCode, flags, new MosquittoPropertyView(properties));
        }
        catch (Exception ex)
        {
            Fault(client, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnDisconnect(nint mosq, nint obj, int reasonCode, nint properties)
    {
        var client = Resolve(obj);
        try
        {
            client?.Callbacks.OnDisconnect(reasonCode, new MosquittoPropertyView(properties));
        }
        catch (Exception ex)
        {
            Fault(client, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnPublish(nint mosq, nint obj, int mid, int reasonCode, nint properties)
    {
        var client = Resolve(obj);
        try
        {
            client?.Callbacks.OnPublish(mid, reasonCode);
        }
        catch (Exception ex)
        {
            Fault(client, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnMessage(nint mosq, nint obj, MosquittoMessageNative* message, nint properties)
    {
        var client = Resolve(obj);
        try
        {
            if (client is null || message is null)
            {
                return;
            }

            var topic = message->Topic is null
                ? ReadOnlySpan<byte>.Empty
                : MemoryMarshal.CreateReadOnlySpanFromNullTerminated(message->Topic);
            var payload = message->Payload is null || message->PayloadLength <= 0
                ? ReadOnlySpan<byte>.Empty
                : new ReadOnlySpan<byte>(message->Payload, message->PayloadLength);
            var view = new MosquittoMessage(message->Mid, topic, payload, message->Qos, message->Retain != 0);
            client.Callbacks.OnMessage(in view, new MosquittoPropertyView(properties));
        }
        catch (Exception ex)
        {
            Fault(client, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnSubscribe(nint mosq, nint obj, int mid, int count, int* granted, nint properties)
    {
        var client = Resolve(obj);
        try
        {
            var span = granted is null || count <= 0 ? ReadOnlySpan<int>.Empty : new ReadOnlySpan<int>(granted, count);
            client?.Callbacks.OnSubscribe(mid, span);
        }
        catch (Exception ex)
        {
            Fault(client, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(nint mosq, nint obj, int level, byte* text)
    {
        var client = Resolve(obj);
        try
        {
            var span = text is null ? ReadOnlySpan<byte>.Empty : MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text);
            client?.Callbacks.OnLog((MosquittoLogLevel)level, span);
        }
        catch (Exception ex)
        {
            Fault(client, ex);
        }
    }

    private static MosquittoClient? Resolve(nint obj)
    {
        try
        {
            return obj == nint.Zero ? null : GCHandle.FromIntPtr(obj).Target as MosquittoClient;
        }
        catch (InvalidOperationException)
        {
            Interlocked.Increment(ref orphanedFaults);
            return null;
        }
    }

    private static void Fault(MosquittoClient? client, Exception exception)
    {
        // Everything here is itself guarded: this is the last frame before native code.
        try
        {
            if (client is null)
            {
                Interlocked.Increment(ref orphanedFaults);
                return;
            }

            client.RecordCallbackFault();
            client.Callbacks.OnCallbackFault(exception);
        }
#pragma warning disable CA1031 // The reporting channel itself failed; nothing may escape to native code.
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref orphanedFaults);
        }
    }
}
