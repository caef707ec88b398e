namespace Pforte.Core.Common.Keys;

/// <summary>
/// The key store cannot be reached right now (the HSM away, its sessions lost and not reopened): the web host answers 503
/// like a database outage (PF-HSM-007), the client retries (ADR 0029).
/// </summary>
public sealed class KeyStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
