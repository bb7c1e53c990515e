using System.Net.Sockets;
using Gearbox.Gateway.Protocol;
using Orleans.Runtime.Messaging;

namespace Gearbox.Gateway;

/// <summary>
/// Runs an idempotent call into the cluster (inference) within its request's deadline. A silo that died
/// or is leaving makes calls fail (connection lost, message rejected, silo unavailable) or go unanswered;
/// such a call is tried again after a short pause while the deadline leaves room, and once it does not,
/// the request is answered 503 with Retry-After (the cluster could not be reached) or 504 (no answer
/// before the deadline), with the reason, never a 500 and never silence. An attempt waits at most half
/// the remaining budget when that still leaves <see cref="MinAttempt"/> for another, so a request sent
/// to a silo killed mid-call is retried elsewhere instead of waiting for an answer that will not come.
/// </summary>
public sealed class ClusterCalls(TimeProvider time, int retryAfterSeconds)
{
    /// <summary>The least time an attempt is given before it may be abandoned for another.</summary>
    public static readonly TimeSpan MinAttempt = TimeSpan.FromSeconds(1);

    /// <summary>How long past the deadline the last attempt is awaited, so the cluster's own "deadline exceeded" answer arrives first.</summary>
    public static readonly TimeSpan LastAttemptGrace = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(500);

    /// <summary>Runs <paramref name="call"/>, giving each attempt a token that is cancelled when the attempt is abandoned or the caller gives up, so an abandoned attempt's work stops.</summary>
    public async Task<ProtocolResult<T>> RunAsync<T>(Func<CancellationToken, Task<T>> call, double deadlineUnixMs, CancellationToken cancel = default) where T : class
    {
        var pause = FirstPause;
        var attempts = 0;
        while (true)
        {
            attempts++;
            var remaining = TimeSpan.FromMilliseconds(deadlineUnixMs - NowMs());
            var isLast = remaining < 2 * MinAttempt;
            var wait = isLast ? remaining + LastAttemptGrace : remaining / 2;
            Exception failure;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            try
            {
                return await call(attempt.Token).WaitAsync(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, time, cancel);
            }
            catch (Exception e) when (Unwrap(e) is var inner && (inner is TimeoutException || IsClusterFailure(inner)) && !cancel.IsCancellationRequested)
            {
                failure = inner;
            }
            catch (Orleans.Runtime.OrleansException e)
            {
                // Any other failure of the Orleans runtime is not the request's fault either, but not one a retry cures.
                return ProtocolErrors.ClusterUnavailable($"The cluster failed to serve the request: {Describe(e)}", retryAfterSeconds);
            }
            await attempt.CancelAsync(); // an abandoned attempt's queued items are not run
            var left = deadlineUnixMs - NowMs();
            if (left <= pause.TotalMilliseconds)
                return failure is TimeoutException
                    ? ProtocolErrors.DeadlineExceeded(
                        $"The cluster did not answer before the deadline ({attempts} attempt(s)); a silo may have failed. Last: {Describe(failure)}")
                    : ProtocolErrors.ClusterUnavailable(
                        $"No silo could serve the request before its deadline ({attempts} attempt(s)); silos may be down or restarting. Last: {Describe(failure)}",
                        retryAfterSeconds);
            await Task.Delay(pause, time, cancel);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    /// <summary>
    /// A failure of the cluster rather than of the request: a silo or gateway out of reach, a message the
    /// runtime rejected, a stage or worker that lost its activation while its silo left, a stage whose
    /// replicas all failed.
    /// </summary>
    public static bool IsClusterFailure(Exception e) => Unwrap(e) is
        Orleans.Runtime.OrleansMessageRejectionException   // includes SiloUnavailableException
        or Orleans.Runtime.GatewayTooBusyException
        or Orleans.Runtime.ClientNotAvailableException
        or ConnectionFailedException
        or Orleans.Networking.Shared.SocketConnectionException
        or SocketException
        or Contracts.Serving.StageNotConfiguredException
        or Contracts.Serving.WorkerNotConfiguredException
        or Contracts.Serving.ReplicasFailedException;

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerExceptions[0]) : e;

    private static string Describe(Exception e) =>
        e is TimeoutException ? "no answer in time" : $"{e.GetType().Name}: {FirstLine(e.Message)}";

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private double NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
