using System.Diagnostics.CodeAnalysis;

namespace Gearbox.Gateway.Protocol;

/// <summary>Either a value or the protocol error that stands in its place; bad input never throws.</summary>
public readonly struct ProtocolResult<T> where T : class
{
    private ProtocolResult(T? value, ProtocolError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }
    public ProtocolError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsOk => Error is null;

    public static implicit operator ProtocolResult<T>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    public static implicit operator ProtocolResult<T>(ProtocolError error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));

    public override string ToString() => IsOk ? $"Ok({Value})" : $"Error({Error})";
}
