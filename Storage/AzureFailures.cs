using System.Net.Sockets;
using Azure;

namespace Gearbox.Storage;

/// <summary>Sorts Azure SDK failures into "the backend is unreachable" and everything else.</summary>
internal static class AzureFailures
{
    public static bool IsUnavailable(Exception e, CancellationToken cancellationToken) => e switch
    {
        // Azure.Core's retry policy gathers the failure of each attempt into one AggregateException.
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(i => IsUnavailable(i, cancellationToken)),
        RequestFailedException failed => failed.Status is 0 or 408 or >= 500,
        HttpRequestException or IOException or SocketException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // a network timeout, not the caller
        _ => false,
    };

    /// <summary>The most telling message: the transport's ("Connection refused"), not the wrapper's.</summary>
    public static string Describe(Exception e)
    {
        while (true)
        {
            if (e is AggregateException { InnerExceptions.Count: > 0 } aggregate) e = aggregate.InnerExceptions[^1];
            else if (e is RequestFailedException { Status: 0, InnerException: { } transport }) e = transport;
            else return e.Message;
        }
    }

    public static bool IsStatus(Exception e, params int[] statuses) => e is RequestFailedException failed && statuses.Contains(failed.Status);
}
