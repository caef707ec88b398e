using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Pforte.Core.Audit;

/// <summary>
/// The chain hash: SHA-256 over a fixed, length-prefixed encoding of every field plus the previous hash. The
/// encoding is versioned; changing it needs a new version byte, never a silent edit (old entries must still verify).
/// </summary>
public static class AuditHasher
{
    public const int HashSize = 32;
    private const byte EncodingVersion = 1;

    public static readonly byte[] GenesisHash = new byte[HashSize];

    /// <summary>PostgreSQL keeps microseconds; hashing a finer value would make every entry "altered" after a round trip.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset instant) =>
        new(instant.UtcTicks - instant.UtcTicks % 10, TimeSpan.Zero);

    public static byte[] Compute(AuditEntry e)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[16];
        buffer[0] = EncodingVersion;
        hash.AppendData(buffer[..1]);
        hash.AppendData(e.PrevHash);
        e.KasseId.TryWriteBytes(buffer, bigEndian: true, out _);
        hash.AppendData(buffer);
        AppendInt64(hash, e.Seq);
        AppendInt64(hash, Truncate(e.OccurredAt).UtcTicks);
        AppendInt64(hash, (long)e.ActorKind);
        AppendString(hash, e.ActorId);
        AppendString(hash, e.SubjectPersonId?.ToString("N"));
        AppendString(hash, e.SubjectKvnr);
        AppendString(hash, e.Channel);
        AppendInt64(hash, (long)e.Action);
        AppendInt64(hash, (long)e.Outcome);
        AppendString(hash, e.ReasonCode);
        AppendString(hash, e.SourceIp);
        AppendString(hash, e.SourceCallerId);
        AppendString(hash, e.SourceCallId);
        AppendString(hash, e.CorrelationId);
        AppendString(hash, e.Details);
        return hash.GetHashAndReset();
    }

    private static void AppendInt64(IncrementalHash hash, long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        hash.AppendData(buffer);
    }

    private static void AppendString(IncrementalHash hash, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, -1);
            hash.AppendData(length);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
