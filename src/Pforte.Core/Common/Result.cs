using System.Diagnostics.CodeAnalysis;

namespace Pforte.Core.Common;

/// <summary>
/// The one result family: an expected refusal is a value, never an exception.
/// </summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T value)
    {
        _value = value;
        Error = null;
    }

    private Result(Error error)
    {
        _value = default;
        Error = error;
    }

    public Error? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"Result holds error {Error!.Code}, not a value.");

    public static Result<T> Success(T value) => new(value);

    public static Result<T> Failure(Error error) => new(error);

    public static implicit operator Result<T>(T value) => new(value);

    public static implicit operator Result<T>(Error error) => new(error);

    public bool TryGetValue([MaybeNullWhen(false)] out T value, [MaybeNullWhen(true)] out Error error)
    {
        value = _value;
        error = Error;
        return IsSuccess;
    }
}

public static class Result
{
    public static Result<T> Success<T>(T value) => Result<T>.Success(value);
}
