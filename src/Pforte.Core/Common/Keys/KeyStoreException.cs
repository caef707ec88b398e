namespace Pforte.Core.Common.Keys;

/// <summary>
/// The key store cannot start: bad settings, a PKCS#11 module that does not load, no such token, a wrong PIN. Carries the
/// stable code and sentence (never the PIN); the hosts print it and stop, the CLI answers with it.
/// </summary>
public sealed class KeyStoreException(Error error, Exception? inner = null) : Exception(error?.ToString(), inner)
{
    public Error Error { get; } = error ?? throw new ArgumentNullException(nameof(error));
}
