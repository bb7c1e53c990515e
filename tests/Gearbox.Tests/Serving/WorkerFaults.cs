using System.Collections.Concurrent;
using Gearbox.Contracts.Serving;

namespace Gearbox.Tests.Serving;

/// <summary>
/// Fault injection for the in-process cluster (whose silos share this process): an incoming-call filter
/// makes Infer calls to the listed worker grains fail, after an optional delay, before they reach the grain.
/// </summary>
public static class WorkerFaults
{
    private static readonly ConcurrentDictionary<string, (Func<Exception> Exception, TimeSpan Delay)> Faults = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int> Injected = new(StringComparer.Ordinal);

    public static void Fail(string workerKey, Func<Exception> exception, TimeSpan delay = default) => Faults[workerKey] = (exception, delay);

    public static void Heal(string workerKey) => Faults.TryRemove(workerKey, out _);

    /// <summary>How many Infer calls to this worker have been failed so far.</summary>
    public static int InjectedInto(string workerKey) => Injected.GetValueOrDefault(workerKey);

    public static async Task Filter(IIncomingGrainCallContext context)
    {
        if (context.Grain is IWorkerGrain worker && context.MethodName == nameof(IWorkerGrain.Infer)
            && Faults.TryGetValue(worker.GetPrimaryKeyString(), out var fault))
        {
            Injected.AddOrUpdate(worker.GetPrimaryKeyString(), 1, (_, n) => n + 1);
            if (fault.Delay > TimeSpan.Zero) await Task.Delay(fault.Delay);
            throw fault.Exception();
        }
        await context.Invoke();
    }
}
