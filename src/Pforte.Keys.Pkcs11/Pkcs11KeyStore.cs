using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Pforte.Core.Common;
using Pforte.Core.Common.Keys;

namespace Pforte.Keys.Pkcs11;

/// <summary>
/// Pforte's keys in an HSM through PKCS#11 (ADR 0029). The keys are generated inside the token (<c>C_GenerateKey</c>),
/// sensitive and not extractable; HMAC-SHA256 and AES-256-GCM run inside the token, the host never sees the material.
/// <para>
/// Objects: label <c>{prefix}{purpose}</c> (e.g. <c>pforte.code-hash</c>), one object per version; the ID (ASCII)
/// <c>{purpose}.v{version}.{created yyyyMMddTHHmmssZ}.{random}</c> carries version and creation time. Several nodes share one
/// token; each lists the versions at most every <see cref="Pkcs11KeyOptions.RefreshSeconds"/> and at once when asked for an
/// unknown version (a rotation by the CLI is seen like with the key-ring file).
/// </para>
/// <para>
/// PKCS#11 sessions are not thread-safe: a pool of sessions, the user logged in once (login state is per process and token),
/// object handles cached per (purpose, version). A session or token error closes the pool's sessions, reopens and retries
/// once; when that fails too, <see cref="KeyStoreUnavailableException"/> (the web host answers 503).
/// </para>
/// </summary>
public sealed class Pkcs11KeyStore : IKeyStore, IKeyStoreHealth, IHsmKeyStore, IDisposable
{
    private const int TagBits = 128;
    private const int TagSize = TagBits / 8;

    private static readonly KeyPurpose[] Purposes = [KeyPurpose.CodeHash, KeyPurpose.LetterSeal, KeyPurpose.ContentWrap, KeyPurpose.AccountSecret];

    /// <summary>Errors after which a fresh session (and login) may help: the session, the login or the device went away.</summary>
    private static readonly HashSet<CKR> Reopenable =
    [
        CKR.CKR_SESSION_HANDLE_INVALID, CKR.CKR_SESSION_CLOSED, CKR.CKR_USER_NOT_LOGGED_IN, CKR.CKR_DEVICE_ERROR, CKR.CKR_DEVICE_REMOVED,
        CKR.CKR_TOKEN_NOT_PRESENT, CKR.CKR_TOKEN_NOT_RECOGNIZED, CKR.CKR_OBJECT_HANDLE_INVALID, CKR.CKR_KEY_HANDLE_INVALID, CKR.CKR_GENERAL_ERROR,
        CKR.CKR_CRYPTOKI_NOT_INITIALIZED, CKR.CKR_DEVICE_MEMORY, CKR.CKR_FUNCTION_FAILED, CKR.CKR_SESSION_COUNT, CKR.CKR_OPERATION_ACTIVE,
    ];

    /// <summary>The module is loaded (C_Initialize) once per process and path: a second C_Initialize fails, a C_Finalize would end every session.</summary>
    private static readonly ConcurrentDictionary<string, IPkcs11Library> Libraries = new(StringComparer.Ordinal);
    private static readonly Lock LibraryGate = new();

    private readonly Pkcs11KeyOptions _options;
    private readonly byte[] _pin;
    private readonly TimeProvider _clock;
    private readonly IPkcs11Library _library;
    private readonly ConcurrentBag<ISession> _idle = [];
    private readonly SemaphoreSlim _sessionLimit;
    private readonly Lock _listGate = new();
    private ISlot _slot;
    private int _generation;
    private Listing _listing = new([], 0);
    private bool _disposed;

    private Pkcs11KeyStore(Pkcs11KeyOptions options, byte[] pin, TimeProvider clock, IPkcs11Library library, ISlot slot)
    {
        _options = options;
        _pin = pin;
        _clock = clock;
        _library = library;
        _slot = slot;
        _sessionLimit = new SemaphoreSlim(Math.Max(1, options.Sessions));
    }

    public string TokenLabel => _options.TokenLabel;

    /// <summary>
    /// Loads the module, finds the token, logs in and makes sure every purpose has a key (generating version 1 where none is).
    /// Throws <see cref="KeyStoreException"/> with a PF-HSM code and sentence on bad settings; the PIN is never in a message.
    /// </summary>
    public static Pkcs11KeyStore Open(Pkcs11KeyOptions options, string pinFile, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        if (string.IsNullOrWhiteSpace(options.Library))
        {
            throw new KeyStoreException(new Error(ErrorCodes.HsmSettingMissing, nameof(options.Library)));
        }
        if (string.IsNullOrWhiteSpace(options.TokenLabel))
        {
            throw new KeyStoreException(new Error(ErrorCodes.HsmSettingMissing, nameof(options.TokenLabel)));
        }
        if (string.IsNullOrWhiteSpace(options.KeyLabelPrefix))
        {
            throw new KeyStoreException(new Error(ErrorCodes.HsmSettingMissing, nameof(options.KeyLabelPrefix)));
        }
        var pin = ReadPin(pinFile);
        var library = Load(options.Library);
        var store = new Pkcs11KeyStore(options, pin, clock, library, FindSlot(library, options.TokenLabel));
        try
        {
            store.WithSession(session =>
            {
                store.List(session, force: true);
                foreach (var purpose in Purposes.Where(p => store._listing.Versions(p).Length == 0))
                {
                    store.Generate(session, purpose, 1);
                }
                store.List(session, force: true);
                return 0;
            });
        }
        catch (KeyStoreUnavailableException ex)
        {
            store.Dispose();
            throw new KeyStoreException(new Error(ErrorCodes.HsmTokenNotFound, options.TokenLabel), ex);
        }
        catch (Exception)
        {
            store.Dispose();
            throw;
        }
        return store;
    }

    /// <summary>Reads the PIN file: it must exist, hold a PIN and be readable by its owner only.</summary>
    private static byte[] ReadPin(string pinFile)
    {
        if (string.IsNullOrWhiteSpace(pinFile))
        {
            throw new KeyStoreException(new Error(ErrorCodes.HsmSettingMissing, nameof(Pkcs11KeyOptions.PinFile)));
        }
        try
        {
            if (!File.Exists(pinFile))
            {
                throw new KeyStoreException(new Error(ErrorCodes.HsmPinFileInvalid, pinFile));
            }
            const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(pinFile) & Others) != 0)
            {
                throw new KeyStoreException(new Error(ErrorCodes.HsmPinFileInvalid, pinFile));
            }
            var pin = Encoding.UTF8.GetBytes(File.ReadAllText(pinFile).Trim());
            return pin.Length == 0 ? throw new KeyStoreException(new Error(ErrorCodes.HsmPinFileInvalid, pinFile)) : pin;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyStoreException(new Error(ErrorCodes.HsmPinFileInvalid, pinFile), ex);
        }
    }

    private static bool _resolverSet;

    /// <summary>
    /// Pkcs11Interop 5.3.0 finds <c>dlopen</c> in "libdl", which current glibc (2.34+) only ships as <c>libdl.so.2</c>
    /// (the functions moved into libc): map it, else the module never loads.
    /// </summary>
    private static void MapLibdl()
    {
        if (_resolverSet)
        {
            return;
        }
        _resolverSet = true;
        NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, (name, assembly, searchPath) =>
        {
            if (name != "libdl")
            {
                return IntPtr.Zero;
            }
            return NativeLibrary.TryLoad("libdl.so.2", out var handle) || NativeLibrary.TryLoad("libc.so.6", out handle) ? handle : IntPtr.Zero;
        });
    }

    private static IPkcs11Library Load(string path)
    {
        lock (LibraryGate)
        {
            MapLibdl();
            if (Libraries.TryGetValue(path, out var loaded))
            {
                return loaded;
            }
            try
            {
                var factories = new Pkcs11InteropFactories();
                var library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, path, AppType.MultiThreaded);
                Libraries[path] = library;
                return library;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new KeyStoreException(new Error(ErrorCodes.HsmLibraryNotLoadable, path), ex);
            }
        }
    }

    private static ISlot FindSlot(IPkcs11Library library, string tokenLabel)
    {
        try
        {
            foreach (var slot in library.GetSlotList(SlotsType.WithTokenPresent))
            {
                if (string.Equals(slot.GetTokenInfo().Label.Trim(), tokenLabel, StringComparison.Ordinal))
                {
                    return slot;
                }
            }
        }
        catch (Pkcs11Exception ex)
        {
            throw new KeyStoreException(new Error(ErrorCodes.HsmTokenNotFound, tokenLabel), ex);
        }
        throw new KeyStoreException(new Error(ErrorCodes.HsmTokenNotFound, tokenLabel));
    }

    public KeyVersion Current(KeyPurpose purpose)
    {
        var versions = Versions(purpose, force: false);
        if (versions.Length == 0)
        {
            throw new KeyStoreUnavailableException($"The HSM token holds no {purpose} key.");
        }
        return versions[^1].Info;
    }

    public KeyVersion? Find(KeyPurpose purpose, int version) => Lookup(purpose, version)?.Info;

    public IReadOnlyList<KeyVersion> All(KeyPurpose purpose) => Array.ConvertAll(Versions(purpose, force: false), k => k.Info);

    public bool TryHmacSha256(KeyPurpose purpose, int version, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        if (Lookup(purpose, version) is null)
        {
            return false;
        }
        var input = data.ToArray();
        var result = WithSession(session =>
        {
            using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_SHA256_HMAC);
            return session.Sign(mechanism, Handle(session, purpose, version), input);
        });
        result.CopyTo(mac);
        return true;
    }

    public void Encrypt(KeyPurpose purpose, int version, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plain, Span<byte> cipher, Span<byte> tag,
        ReadOnlySpan<byte> associatedData)
    {
        _ = Lookup(purpose, version) ?? throw new CryptographicException($"Key {purpose} version {version} is not in the HSM.");
        var (iv, input, aad) = (nonce.ToArray(), plain.ToArray(), associatedData.ToArray());
        var output = WithSession(session =>
        {
            using var parameters = session.Factories.MechanismParamsFactory.CreateCkGcmParams(iv, (ulong)iv.Length * 8, aad, TagBits);
            using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
            return session.Encrypt(mechanism, Handle(session, purpose, version), input);
        });
        if (output.Length != input.Length + TagSize)
        {
            throw new CryptographicException("The HSM returned a ciphertext of the wrong length.");
        }
        output.AsSpan(0, input.Length).CopyTo(cipher);
        output.AsSpan(input.Length, TagSize).CopyTo(tag);
        CryptographicOperations.ZeroMemory(input);
    }

    public void Decrypt(KeyPurpose purpose, int version, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> cipher, ReadOnlySpan<byte> tag, Span<byte> plain,
        ReadOnlySpan<byte> associatedData)
    {
        if (tag.Length != TagSize)
        {
            throw new CryptographicException("The tag has the wrong length.");
        }
        _ = Lookup(purpose, version) ?? throw new CryptographicException($"Key {purpose} version {version} is not in the HSM.");
        var (iv, aad) = (nonce.ToArray(), associatedData.ToArray());
        var input = new byte[cipher.Length + TagSize];
        cipher.CopyTo(input);
        tag.CopyTo(input.AsSpan(cipher.Length));
        var output = WithSession(session =>
        {
            using var parameters = session.Factories.MechanismParamsFactory.CreateCkGcmParams(iv, (ulong)iv.Length * 8, aad, TagBits);
            using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
            var handle = Handle(session, purpose, version);
            try
            {
                return session.Decrypt(mechanism, handle, input);
            }
            catch (Pkcs11Exception ex) when (ex.Method == "C_Decrypt" && ex.RV is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE
                or CKR.CKR_GENERAL_ERROR or CKR.CKR_FUNCTION_FAILED or CKR.CKR_DATA_INVALID)
            {
                // The operation started (the key and session are fine) and the token refused the ciphertext: a changed
                // ciphertext, tag or associated data. SoftHSM2 says CKR_GENERAL_ERROR for a tag that does not match.
                return null;
            }
        }) ?? throw new CryptographicException("The ciphertext does not open under this key.");
        output.CopyTo(plain);
        CryptographicOperations.ZeroMemory(output);
    }

    public KeyVersion Rotate(KeyPurpose purpose) => WithSession(session =>
    {
        var versions = List(session, force: true).Versions(purpose);
        var next = versions.Length == 0 ? 1 : versions[^1].Info.Version + 1;
        var created = Generate(session, purpose, next);
        List(session, force: true);
        return created;
    });

    public bool Retire(KeyPurpose purpose, int version) => WithSession(session =>
    {
        var versions = List(session, force: true).Versions(purpose);
        if (versions.Length <= 1 || versions[^1].Info.Version == version)
        {
            return false; // the newest key is never retired
        }
        var found = versions.Where(k => k.Info.Version == version).ToList();
        foreach (var key in found)
        {
            session.DestroyObject(session.Factories.ObjectHandleFactory.Create(key.ObjectId));
        }
        List(session, force: true);
        return found.Count > 0;
    });

    /// <summary>Opens a session, lists the token's keys afresh and checks every purpose has one (the keys-readable gauge).</summary>
    public bool CheckReadable()
    {
        try
        {
            return WithSession(session => Purposes.All(p => List(session, force: true).Versions(p).Length > 0));
        }
        catch (KeyStoreUnavailableException)
        {
            return false;
        }
    }

    /// <summary>What a key object in the token looks like to Pforte; never its value.</summary>
    public sealed record KeyObject(string Label, string Id, bool Sensitive, bool Extractable, bool ValueReadable);

    /// <summary>Every Pforte key object (this prefix) as the token describes it: used to prove no material leaves (tests, docs).</summary>
    public IReadOnlyList<KeyObject> DescribeObjects() => WithSession(session =>
    {
        var result = new List<KeyObject>();
        foreach (var purpose in Purposes)
        {
            foreach (var handle in session.FindAllObjects([
                session.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
                session.Factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, Label(purpose))]))
            {
                var attributes = session.GetAttributeValue(handle, [CKA.CKA_LABEL, CKA.CKA_ID, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_VALUE]);
                result.Add(new KeyObject(attributes[0].GetValueAsString(), Encoding.ASCII.GetString(attributes[1].GetValueAsByteArray()),
                    attributes[2].GetValueAsBool(), attributes[3].GetValueAsBool(), !attributes[4].CannotBeRead));
            }
        }
        return result;
    });

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        while (_idle.TryTake(out var session))
        {
            CloseQuietly(session);
        }
        CryptographicOperations.ZeroMemory(_pin);
        _sessionLimit.Dispose();
    }

    /// <summary>Test hook: closes every session of this process on the token (as a token restart or a network cut would).</summary>
    internal void CloseAllSessionsOfTheToken() => _slot.CloseAllSessions();

    private StoredKey? Lookup(KeyPurpose purpose, int version)
    {
        var found = Scan(Versions(purpose, force: false), version);
        if (found is null)
        {
            // Another node or the CLI may have rotated since we listed: look once more.
            found = Scan(Versions(purpose, force: true), version);
        }
        return found;
    }

    private static StoredKey? Scan(StoredKey[] keys, int version)
    {
        for (var i = keys.Length - 1; i >= 0; i--)
        {
            if (keys[i].Info.Version == version)
            {
                return keys[i];
            }
        }
        return null;
    }

    private StoredKey[] Versions(KeyPurpose purpose, bool force)
    {
        var listing = Volatile.Read(ref _listing);
        if (!force && Environment.TickCount64 - listing.ListedAt < Math.Max(1, _options.RefreshSeconds) * 1000L)
        {
            return listing.Versions(purpose);
        }
        return WithSession(session => List(session, force)).Versions(purpose);
    }

    private Listing List(ISession session, bool force)
    {
        lock (_listGate)
        {
            var current = _listing;
            if (!force && Environment.TickCount64 - current.ListedAt < Math.Max(1, _options.RefreshSeconds) * 1000L)
            {
                return current;
            }
            var keys = new Dictionary<KeyPurpose, StoredKey[]>();
            foreach (var purpose in Purposes)
            {
                var found = new List<StoredKey>();
                foreach (var handle in session.FindAllObjects([
                    session.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
                    session.Factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, Label(purpose))]))
                {
                    var id = Encoding.ASCII.GetString(session.GetAttributeValue(handle, [CKA.CKA_ID])[0].GetValueAsByteArray());
                    if (ParseId(purpose, id) is { } parsed)
                    {
                        found.Add(new StoredKey(parsed.Info, id, handle.ObjectId));
                    }
                }
                // Two nodes that generated the same version at once: the smaller ID wins (the loser destroys its own).
                keys[purpose] = found.GroupBy(k => k.Info.Version).Select(g => g.OrderBy(k => k.Id, StringComparer.Ordinal).First())
                    .OrderBy(k => k.Info.Version).ToArray();
            }
            var listing = new Listing(keys, Environment.TickCount64);
            Volatile.Write(ref _listing, listing);
            return listing;
        }
    }

    /// <summary>Generates a key of a purpose and version inside the token: sensitive, never extractable, only the usage it needs.</summary>
    private KeyVersion Generate(ISession session, KeyPurpose purpose, int version)
    {
        var now = _clock.GetUtcNow();
        var created = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
        var id = $"{Name(purpose)}.v{version.ToString(CultureInfo.InvariantCulture)}.{created.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var f = session.Factories.ObjectAttributeFactory;
        var hmac = purpose == KeyPurpose.CodeHash;
        List<IObjectAttribute> template =
        [
            f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            f.Create(CKA.CKA_KEY_TYPE, hmac ? CKK.CKK_GENERIC_SECRET : CKK.CKK_AES),
            f.Create(CKA.CKA_VALUE_LEN, 32UL),
            f.Create(CKA.CKA_TOKEN, true),
            f.Create(CKA.CKA_PRIVATE, true),
            f.Create(CKA.CKA_SENSITIVE, true),
            f.Create(CKA.CKA_EXTRACTABLE, false),
            f.Create(CKA.CKA_MODIFIABLE, false),
            f.Create(CKA.CKA_SIGN, hmac),
            f.Create(CKA.CKA_VERIFY, hmac),
            f.Create(CKA.CKA_ENCRYPT, !hmac),
            f.Create(CKA.CKA_DECRYPT, !hmac),
            f.Create(CKA.CKA_WRAP, false),
            f.Create(CKA.CKA_UNWRAP, false),
            f.Create(CKA.CKA_DERIVE, false),
            f.Create(CKA.CKA_LABEL, Label(purpose)),
            f.Create(CKA.CKA_ID, Encoding.ASCII.GetBytes(id)),
            f.Create(CKA.CKA_START_DATE, created.UtcDateTime),
        ];
        try
        {
            using var mechanism = session.Factories.MechanismFactory.Create(hmac ? CKM.CKM_GENERIC_SECRET_KEY_GEN : CKM.CKM_AES_KEY_GEN);
            session.GenerateKey(mechanism, template);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_MECHANISM_INVALID or CKR.CKR_ATTRIBUTE_VALUE_INVALID or CKR.CKR_TEMPLATE_INCONSISTENT
            or CKR.CKR_ATTRIBUTE_TYPE_INVALID or CKR.CKR_TEMPLATE_INCOMPLETE)
        {
            throw new KeyStoreException(new Error(ErrorCodes.HsmMechanismMissing, _options.TokenLabel, hmac ? "CKM_GENERIC_SECRET_KEY_GEN" : "CKM_AES_KEY_GEN"), ex);
        }
        finally
        {
            foreach (var attribute in template)
            {
                attribute.Dispose();
            }
        }
        var winner = List(session, force: true).Versions(purpose).FirstOrDefault(k => k.Info.Version == version);
        if (winner is not null && !string.Equals(winner.Id, id, StringComparison.Ordinal))
        {
            // Another node generated this version at the same moment and its ID sorts first: destroy ours, unused, and take its key.
            foreach (var handle in session.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_ID, Encoding.ASCII.GetBytes(id))]))
            {
                session.DestroyObject(handle);
            }
            return winner.Info;
        }
        return new KeyVersion(version, created);
    }

    private static KeyVersion? ParseIdVersion(string purposeName, string id)
    {
        var parts = id.Split('.');
        if (parts.Length < 3 || parts[0] != purposeName || !parts[1].StartsWith('v')
            || !int.TryParse(parts[1].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !DateTimeOffset.TryParseExact(parts[2], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created))
        {
            return null;
        }
        return new KeyVersion(version, created);
    }

    private static (KeyVersion Info, string Id)? ParseId(KeyPurpose purpose, string id) =>
        ParseIdVersion(Name(purpose), id) is { } info ? (info, id) : null;

    /// <summary>
    /// The key's handle, resolved on the session that uses it: handles of token objects end when all of the process's
    /// sessions close (a reset), so after one the token is listed again on this session.
    /// </summary>
    private IObjectHandle Handle(ISession session, KeyPurpose purpose, int version)
    {
        var key = Scan(List(session, force: false).Versions(purpose), version)
            ?? throw new CryptographicException($"Key {purpose} version {version} is no longer in the HSM.");
        return session.Factories.ObjectHandleFactory.Create(key.ObjectId);
    }

    private string Label(KeyPurpose purpose) => _options.KeyLabelPrefix + Name(purpose);

    private static string Name(KeyPurpose purpose) => purpose switch
    {
        KeyPurpose.CodeHash => "code-hash",
        KeyPurpose.LetterSeal => "letter-seal",
        KeyPurpose.ContentWrap => "content-wrap",
        KeyPurpose.AccountSecret => "account-secret",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled, logged-in session. A session or token error discards every pooled session
    /// and the cached listing, reopens and tries once more; a second failure is <see cref="KeyStoreUnavailableException"/>.
    /// Errors about the input (a tag that does not match) pass through as <see cref="Pkcs11Exception"/>.
    /// </summary>
    private T WithSession<T>(Func<ISession, T> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var attempt = 0; ; attempt++)
        {
            var generation = Volatile.Read(ref _generation);
            ISession? session = null;
            if (!_sessionLimit.Wait(TimeSpan.FromSeconds(30)))
            {
                throw new KeyStoreUnavailableException("No free HSM session within 30 seconds.");
            }
            try
            {
                session = Rent();
                var result = work(session);
                Return(session, generation);
                session = null;
                return result;
            }
            catch (Pkcs11Exception ex) when (Reopenable.Contains(ex.RV))
            {
                if (session is not null)
                {
                    CloseQuietly(session);
                    session = null;
                }
                Reset(generation);
                if (attempt >= 1)
                {
                    throw new KeyStoreUnavailableException($"The HSM token {_options.TokenLabel} does not answer ({ex.RV}).", ex);
                }
            }
            catch (Exception) when (session is not null)
            {
                // The operation failed on input (e.g. a tag that does not match): the session is fine.
                Return(session, generation);
                session = null;
                throw;
            }
            finally
            {
                _sessionLimit.Release();
            }
        }
    }

    private ISession Rent()
    {
        if (_idle.TryTake(out var idle))
        {
            return idle;
        }
        ISession session;
        try
        {
            session = _slot.OpenSession(SessionType.ReadWrite);
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_SLOT_ID_INVALID or CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_DEVICE_REMOVED or CKR.CKR_DEVICE_ERROR)
        {
            // The token may have come back in another slot (a network HSM that reconnected): find it again by its label.
            _slot = FindSlotOrUnavailable();
            session = _slot.OpenSession(SessionType.ReadWrite);
        }
        try
        {
            session.Login(CKU.CKU_USER, _pin);
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Login state is per process and token: another session of ours logged in already.
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE or CKR.CKR_PIN_EXPIRED)
        {
            CloseQuietly(session);
            throw new KeyStoreException(new Error(ErrorCodes.HsmLoginFailed, _options.TokenLabel), ex);
        }
        catch
        {
            CloseQuietly(session);
            throw;
        }
        return session;
    }

    private ISlot FindSlotOrUnavailable()
    {
        try
        {
            return FindSlot(_library, _options.TokenLabel);
        }
        catch (KeyStoreException ex)
        {
            throw new KeyStoreUnavailableException($"The HSM token {_options.TokenLabel} is not present.", ex);
        }
    }

    private void Return(ISession session, int generation)
    {
        if (generation != Volatile.Read(ref _generation) || _disposed)
        {
            CloseQuietly(session); // opened before a reset: may be dead
            return;
        }
        _idle.Add(session);
    }

    private void Reset(int generation)
    {
        if (Interlocked.CompareExchange(ref _generation, generation + 1, generation) != generation)
        {
            return; // another thread reset already
        }
        while (_idle.TryTake(out var session))
        {
            CloseQuietly(session);
        }
        Volatile.Write(ref _listing, new Listing([], 0));
    }

    private static void CloseQuietly(ISession session)
    {
        try
        {
            session.Dispose();
        }
        catch (Pkcs11Exception)
        {
            // already gone
        }
    }

    private sealed record StoredKey(KeyVersion Info, string Id, ulong ObjectId);

    private sealed record Listing(Dictionary<KeyPurpose, StoredKey[]> Keys, long ListedAt)
    {
        public StoredKey[] Versions(KeyPurpose purpose) => Keys.TryGetValue(purpose, out var keys) ? keys : [];
    }
}
