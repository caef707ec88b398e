using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Common;
using Pforte.Core.Common.Keys;

namespace Pforte.Keys.Pkcs11;

public static class KeyStoreStartup
{
    /// <summary>
    /// Opens the key store at host start (not at the first request): settings that cannot work are refused with their code
    /// and sentence. Null when the store is open.
    /// </summary>
    public static Error? Open(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IKeyStore>();
            return null;
        }
        catch (KeyStoreException ex)
        {
            return ex.Error;
        }
    }
}
