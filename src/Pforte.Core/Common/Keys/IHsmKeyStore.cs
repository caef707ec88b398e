namespace Pforte.Core.Common.Keys;

/// <summary>A key store whose keys live in an HSM and never leave it: no key-ring file to back up (ADR 0029).</summary>
public interface IHsmKeyStore
{
    /// <summary>The token (partition) that holds the keys, for operators' messages.</summary>
    string TokenLabel { get; }
}
