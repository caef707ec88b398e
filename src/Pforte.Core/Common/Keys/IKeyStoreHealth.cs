namespace Pforte.Core.Common.Keys;

/// <summary>A key store that can tell whether it could load its keys again right now (not only from memory).</summary>
public interface IKeyStoreHealth
{
    /// <summary>True when the keys can be read now and every purpose has one; false or an exception when not.</summary>
    bool CheckReadable();
}
