using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pforte.Core.Common;
using Pforte.Core.Common.Keys;
using Pforte.Core.Persistence;

namespace Pforte.Keys.Pkcs11;

public static class Pkcs11KeyStoreServices
{
    /// <summary>
    /// With <c>Pforte:Keys:Provider = Pkcs11</c> the keys live in the HSM (<see cref="Pkcs11KeyStore"/>) instead of the key-ring
    /// file. Call after <c>AddPforteCore</c>; without that setting nothing changes.
    /// </summary>
    public static IServiceCollection AddPkcs11KeyStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration[$"{KeyOptions.Section}:{nameof(KeyOptions.Provider)}"];
        if (!string.Equals(provider, KeyOptions.Pkcs11Provider, StringComparison.OrdinalIgnoreCase))
        {
            return services;
        }
        services.Replace(ServiceDescriptor.Singleton<IKeyStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KeyOptions>>().Value.Pkcs11;
            // Like the key-ring file: a relative PIN file path is taken from the data directory.
            var pinFile = "";
            if (!string.IsNullOrWhiteSpace(options.PinFile) && !DataDirectory.PathFor(options.PinFile, configuration[DataDirectory.Key]).TryGetValue(out pinFile, out _))
            {
                throw new KeyStoreException(new Error(ErrorCodes.HsmPinFileInvalid, options.PinFile));
            }
            return Pkcs11KeyStore.Open(options, pinFile, sp.GetRequiredService<TimeProvider>());
        }));
        return services;
    }
}
