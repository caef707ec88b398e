using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pforte.Core.Common.Keys;

/// <summary>
/// Key ring in a JSON file outside the database (<c>Pforte:Keys:Path</c>), created on first use with mode 0600.
/// Writes go to a temp file that replaces the ring atomically, under an exclusive lock file, so the web host and
/// the CLI can share it. A process notices a rotation by another one at its next look-up (file time check).
/// The operations (HMAC-SHA256, AES-256-GCM) run here with .NET crypto; the material never leaves this class (ADR 0029).
/// The <see cref="KeyPurpose.AccountSecret"/> keys are not stored: each is derived with HKDF-SHA256 from the letter-seal key
/// of the same version (as the account secrets were sealed before ADR 0029), so its versions are the letter-seal versions.
/// </summary>
public sealed class FileKeyRing : IKeyStore, IKeyStoreHealth
{
    private const int KeyBytes = 32;
    private const int TagSize = 16;
    private static readonly KeyPurpose[] StoredPurposes = [KeyPurpose.CodeHash, KeyPurpose.LetterSeal, KeyPurpose.ContentWrap];
    private static readonly byte[] AccountSecretLabel = "pforte/portal-account-secret/v1"u8.ToArray();
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly string _path;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private RingFile _ring;
    private Dictionary<KeyPurpose, Entry[]> _parsed = [];
    private DateTime _loadedWriteTime;
    private long _checkedAt;

    public FileKeyRing(string path, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
        _clock = clock;
        _ring = LoadOrCreate();
        _parsed = Parse(_ring);
    }

    public string FilePath => _path;

    /// <summary>Reads and parses the file again (without keeping it): what a restarted process would find.</summary>
    public bool CheckReadable()
    {
        Read();
        return true;
    }

    public KeyVersion Current(KeyPurpose purpose)
    {
        var keys = Keys(purpose);
        return keys[^1].Info;
    }

    public KeyVersion? Find(KeyPurpose purpose, int version) => Lookup(purpose, version)?.Info;

    public IReadOnlyList<KeyVersion> All(KeyPurpose purpose) => Array.ConvertAll(Keys(purpose), k => k.Info);

    public bool TryHmacSha256(KeyPurpose purpose, int version, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        if (Lookup(purpose, version) is not { } key)
        {
            return false;
        }
        HMACSHA256.HashData(key.Material, data, mac);
        return true;
    }

    public void Encrypt(KeyPurpose purpose, int version, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plain, Span<byte> cipher, Span<byte> tag,
        ReadOnlySpan<byte> associatedData)
    {
        using var aes = new AesGcm(Require(purpose, version).Material, TagSize);
        aes.Encrypt(nonce, plain, cipher, tag, associatedData);
    }

    public void Decrypt(KeyPurpose purpose, int version, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> cipher, ReadOnlySpan<byte> tag, Span<byte> plain,
        ReadOnlySpan<byte> associatedData)
    {
        using var aes = new AesGcm(Require(purpose, version).Material, TagSize);
        aes.Decrypt(nonce, cipher, tag, plain, associatedData);
    }

    private Entry Require(KeyPurpose purpose, int version) =>
        Lookup(purpose, version) ?? throw new CryptographicException($"Key {purpose} version {version} is not in the key ring.");

    private Entry? Lookup(KeyPurpose purpose, int version)
    {
        var found = Scan(Keys(purpose), version);
        if (found is null)
        {
            // Another process may have rotated since we loaded: look once more.
            Refresh(force: true);
            found = Scan(Keys(purpose), version);
        }
        return found;
    }

    private static Entry? Scan(Entry[] keys, int version)
    {
        // Newest first: nearly every look-up asks for the current key (hot path, no allocation).
        for (var i = keys.Length - 1; i >= 0; i--)
        {
            if (keys[i].Info.Version == version)
            {
                return keys[i];
            }
        }
        return null;
    }

    /// <summary>For <see cref="KeyPurpose.AccountSecret"/> this rotates the letter-seal key it is derived from.</summary>
    public KeyVersion Rotate(KeyPurpose purpose) => Mutate(ring =>
    {
        var list = ring.For(Stored(purpose));
        var next = new StoredKey(list.Count == 0 ? 1 : list.Max(k => k.Version) + 1, Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)), _clock.GetUtcNow());
        list.Add(next);
        return next.ToKey().Info;
    });

    public bool Retire(KeyPurpose purpose, int version) => Mutate(ring =>
    {
        var list = ring.For(Stored(purpose));
        if (list.Count <= 1 || list[^1].Version == version)
        {
            return false; // the newest key is never retired
        }
        return list.RemoveAll(k => k.Version == version) > 0;
    });

    private static KeyPurpose Stored(KeyPurpose purpose) => purpose == KeyPurpose.AccountSecret ? KeyPurpose.LetterSeal : purpose;

    private Entry[] Keys(KeyPurpose purpose)
    {
        Refresh(force: false);
        return Volatile.Read(ref _parsed)[purpose];
    }

    /// <summary>Looks at the file's time at most once a second: verification is a hot path.</summary>
    private void Refresh(bool force)
    {
        var now = Environment.TickCount64;
        if (!force && now - Interlocked.Read(ref _checkedAt) < 1000)
        {
            return;
        }
        Interlocked.Exchange(ref _checkedAt, now);
        var writeTime = File.GetLastWriteTimeUtc(_path);
        if (!force && writeTime == _loadedWriteTime)
        {
            return;
        }
        lock (_gate)
        {
            _ring = Read();
            Volatile.Write(ref _parsed, Parse(_ring));
            _loadedWriteTime = writeTime;
        }
    }

    private static Dictionary<KeyPurpose, Entry[]> Parse(RingFile ring)
    {
        var parsed = StoredPurposes.ToDictionary(p => p, p => ring.For(p).Select(k => k.ToKey()).ToArray());
        parsed[KeyPurpose.AccountSecret] = Array.ConvertAll(parsed[KeyPurpose.LetterSeal], k =>
            new Entry(k.Info, HKDF.DeriveKey(HashAlgorithmName.SHA256, k.Material, KeyBytes, salt: [], info: AccountSecretLabel)));
        return parsed;
    }

    private T Mutate<T>(Func<RingFile, T> change)
    {
        lock (_gate)
        {
            using var fileLock = AcquireFileLock();
            var ring = Read();
            var result = change(ring);
            Write(ring);
            _ring = ring;
            Volatile.Write(ref _parsed, Parse(ring));
            _loadedWriteTime = File.GetLastWriteTimeUtc(_path);
            return result;
        }
    }

    private RingFile LoadOrCreate()
    {
        lock (_gate)
        {
            if (!File.Exists(_path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                using var fileLock = AcquireFileLock();
                if (!File.Exists(_path))
                {
                    var fresh = new RingFile();
                    foreach (var purpose in StoredPurposes)
                    {
                        fresh.For(purpose).Add(new StoredKey(1, Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)), _clock.GetUtcNow()));
                    }
                    Write(fresh);
                }
            }
            else if (StoredPurposes.Any(p => Read(allowMissing: true).For(p).Count == 0))
            {
                // A ring written before a purpose existed (e.g. content-wrap, ADR 0019) gets its first key of it.
                using var fileLock = AcquireFileLock();
                var ring = Read(allowMissing: true);
                foreach (var purpose in StoredPurposes.Where(p => ring.For(p).Count == 0))
                {
                    ring.For(purpose).Add(new StoredKey(1, Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)), _clock.GetUtcNow()));
                }
                Write(ring);
            }
            _loadedWriteTime = File.GetLastWriteTimeUtc(_path);
            return Read();
        }
    }

    private RingFile Read(bool allowMissing = false)
    {
        var ring = JsonSerializer.Deserialize<RingFile>(File.ReadAllBytes(_path), Json)
            ?? throw new InvalidDataException($"Key ring {_path} is empty.");
        foreach (var purpose in StoredPurposes)
        {
            if (ring.For(purpose).Count == 0 && !allowMissing)
            {
                throw new InvalidDataException($"Key ring {_path} has no {purpose} key.");
            }
            ring.For(purpose).Sort((a, b) => a.Version.CompareTo(b.Version));
        }
        return ring;
    }

    private void Write(RingFile ring)
    {
        var temp = _path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, ring, Json);
            stream.Flush(flushToDisk: true);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temp, _path, overwrite: true);
    }

    private FileStream AcquireFileLock()
    {
        var lockPath = _path + ".lock";
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 200)
            {
                Thread.Sleep(25);
            }
        }
    }

    private sealed class RingFile
    {
        [JsonPropertyName("code_hash")]
        public List<StoredKey> CodeHash { get; set; } = [];

        [JsonPropertyName("letter_seal")]
        public List<StoredKey> LetterSeal { get; set; } = [];

        [JsonPropertyName("content_wrap")]
        public List<StoredKey> ContentWrap { get; set; } = [];

        public List<StoredKey> For(KeyPurpose purpose) => purpose switch
        {
            KeyPurpose.CodeHash => CodeHash,
            KeyPurpose.LetterSeal => LetterSeal,
            KeyPurpose.ContentWrap => ContentWrap,
            _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
        };
    }

    private sealed record StoredKey(int Version, string Key, DateTimeOffset CreatedAt)
    {
        public Entry ToKey() => new(new KeyVersion(Version, CreatedAt), Convert.FromBase64String(Key));
    }

    private sealed record Entry(KeyVersion Info, byte[] Material);
}
