using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Pforte.Core.Common.Keys;

namespace Pforte.Core.Mailbox;

/// <summary>
/// A fresh random 256-bit data key, in the clear only in memory. Dispose it when done (zeroes the material).
/// </summary>
public sealed class DataKey : IDisposable
{
    internal DataKey(byte[] material) => Material = material;

    internal byte[] Material { get; }

    public void Dispose() => CryptographicOperations.ZeroMemory(Material);
}

/// <summary>A new data key together with its wrapped form (what is stored) and the wrap key's version.</summary>
public sealed record NewDataKey(DataKey Key, byte[] Wrapped, int KeyVersion);

/// <summary>
/// Envelope encryption of content at rest (ADR 0019). Every stored item (a mailbox message, a thread, a note, a
/// contact-form submission) gets its own random AES-256 data key; the data key is stored wrapped (AES-256-GCM) under
/// the key ring's current <see cref="KeyPurpose.ContentWrap"/> key. Each ciphertext binds associated data — the row
/// id and the field name (<see cref="Bind"/>) — so a ciphertext copied into another row or field does not open.
/// Rotation adds a wrap key; <see cref="Rewrap"/> re-wraps a data key under the newest one without touching the
/// ciphertexts.
/// Layouts: wrapped key = wrap key version (4, big endian) ‖ nonce (12) ‖ wrapped data key (32) ‖ tag (16);
/// ciphertext = nonce (12) ‖ ciphertext ‖ tag (16).
/// </summary>
public sealed class ContentCipher(IKeyStore keys)
{
    public const int WrappedKeySize = 4 + NonceSize + KeySize + TagSize;
    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] WrapContext = "pforte:content-wrap:v1"u8.ToArray();

    /// <summary>A fresh data key and its wrapped form under the current wrap key.</summary>
    public NewDataKey NewDataKey()
    {
        var material = RandomNumberGenerator.GetBytes(KeySize);
        var wrapKey = keys.Current(KeyPurpose.ContentWrap);
        return new NewDataKey(new DataKey(material), Wrap(wrapKey.Version, material), wrapKey.Version);
    }

    /// <summary>Opens a stored wrapped data key. Throws <see cref="CryptographicException"/> when tampered or its wrap key is gone.</summary>
    public DataKey Unwrap(byte[] wrapped)
    {
        var (key, _) = Open(wrapped);
        return new DataKey(key);
    }

    /// <summary>The wrap key version a stored wrapped key was made with.</summary>
    public static int WrapVersion(byte[] wrapped)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        if (wrapped.Length != WrappedKeySize)
        {
            throw new CryptographicException("Wrapped data key has the wrong length.");
        }
        return BinaryPrimitives.ReadInt32BigEndian(wrapped);
    }

    /// <summary>The newest wrap key's version: a wrapped key of another version is due for <see cref="Rewrap"/>.</summary>
    public int CurrentVersion => keys.Current(KeyPurpose.ContentWrap).Version;

    /// <summary>The same data key wrapped under the current wrap key (returned unchanged when it already is).</summary>
    public byte[] Rewrap(byte[] wrapped)
    {
        var current = keys.Current(KeyPurpose.ContentWrap);
        if (WrapVersion(wrapped) == current.Version)
        {
            return wrapped;
        }
        var (material, _) = Open(wrapped);
        try
        {
            return Wrap(current.Version, material);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    [SuppressMessage("Performance", "CA1822", Justification = "One instance API for callers that get the cipher from DI.")]
    public byte[] Encrypt(DataKey key, ReadOnlySpan<byte> plain, ReadOnlySpan<byte> associatedData)
    {
        ArgumentNullException.ThrowIfNull(key);
        var output = new byte[NonceSize + plain.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Material, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length, TagSize), associatedData);
        return output;
    }

    /// <summary>Throws <see cref="CryptographicException"/> when the ciphertext was changed or belongs to another row or field.</summary>
    [SuppressMessage("Performance", "CA1822", Justification = "One instance API for callers that get the cipher from DI.")]
    public byte[] Decrypt(DataKey key, ReadOnlySpan<byte> cipher, ReadOnlySpan<byte> associatedData)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (cipher.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Ciphertext is too short.");
        }
        var length = cipher.Length - NonceSize - TagSize;
        var plain = new byte[length];
        using var aes = new AesGcm(key.Material, TagSize);
        aes.Decrypt(cipher[..NonceSize], cipher.Slice(NonceSize, length), cipher.Slice(NonceSize + length, TagSize), plain, associatedData);
        return plain;
    }

    public byte[] EncryptText(DataKey key, string plain, ReadOnlySpan<byte> associatedData) => Encrypt(key, Encoding.UTF8.GetBytes(plain), associatedData);

    public string DecryptText(DataKey key, ReadOnlySpan<byte> cipher, ReadOnlySpan<byte> associatedData) => Encoding.UTF8.GetString(Decrypt(key, cipher, associatedData));

    /// <summary>Associated data binding a ciphertext to its row and field: row id (16) ‖ field name (UTF-8).</summary>
    public static byte[] Bind(Guid rowId, string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var bytes = new byte[16 + Encoding.UTF8.GetByteCount(field)];
        rowId.TryWriteBytes(bytes, bigEndian: true, out _);
        Encoding.UTF8.GetBytes(field, bytes.AsSpan(16));
        return bytes;
    }

    private byte[] Wrap(int wrapVersion, byte[] material)
    {
        var wrapped = new byte[WrappedKeySize];
        BinaryPrimitives.WriteInt32BigEndian(wrapped, wrapVersion);
        var nonce = wrapped.AsSpan(4, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        keys.Encrypt(KeyPurpose.ContentWrap, wrapVersion, nonce, material, wrapped.AsSpan(4 + NonceSize, KeySize), wrapped.AsSpan(4 + NonceSize + KeySize, TagSize), WrapContext);
        return wrapped;
    }

    private (byte[] Material, int Version) Open(byte[] wrapped)
    {
        var version = WrapVersion(wrapped);
        var material = new byte[KeySize];
        keys.Decrypt(KeyPurpose.ContentWrap, version, wrapped.AsSpan(4, NonceSize), wrapped.AsSpan(4 + NonceSize, KeySize), wrapped.AsSpan(4 + NonceSize + KeySize, TagSize), material, WrapContext);
        return (material, version);
    }
}
