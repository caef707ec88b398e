using Pforte.Core.Clients;

namespace Pforte.Core.Tests.Clients;

/// <summary>The key cache keeps active clients only while it hears every change, and never a row read before a change.</summary>
public sealed class ApiKeyCacheTests
{
    private static ClientRow Row(DateTimeOffset? revokedAt = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "ivr", new byte[32], "machine-auth", revokedAt);

    [Fact]
    public void Without_a_listener_nothing_is_cached()
    {
        var cache = new ApiKeyCache();
        cache.Add("0123456789ab", Row(), cache.BeginLookup());
        Assert.False(cache.TryGet("0123456789ab", out _));
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public void A_live_cache_serves_what_it_was_given_until_it_is_cleared()
    {
        var cache = new ApiKeyCache();
        cache.GoLive();
        var row = Row();
        cache.Add("0123456789ab", row, cache.BeginLookup());
        Assert.True(cache.TryGet("0123456789ab", out var found));
        Assert.Same(row, found);
        Assert.Equal(1, cache.Hits);
        cache.Clear();
        Assert.False(cache.TryGet("0123456789ab", out _));
    }

    [Fact]
    public void A_row_read_before_a_change_is_not_kept()
    {
        var cache = new ApiKeyCache();
        cache.GoLive();
        var lookup = cache.BeginLookup();
        cache.Clear(); // a revocation was notified while the row was being read
        cache.Add("0123456789ab", Row(), lookup);
        Assert.False(cache.TryGet("0123456789ab", out _));
    }

    [Fact]
    public void Revoked_clients_are_never_kept()
    {
        var cache = new ApiKeyCache();
        cache.GoLive();
        cache.Add("0123456789ab", Row(DateTimeOffset.UtcNow), cache.BeginLookup());
        Assert.False(cache.TryGet("0123456789ab", out _));
    }

    [Fact]
    public void When_the_listener_loses_its_connection_the_cache_is_emptied_and_switched_off()
    {
        var cache = new ApiKeyCache();
        cache.GoLive();
        cache.Add("0123456789ab", Row(), cache.BeginLookup());
        cache.GoDark();
        Assert.False(cache.IsLive);
        Assert.False(cache.TryGet("0123456789ab", out _));
        cache.Add("0123456789ab", Row(), cache.BeginLookup());
        Assert.False(cache.TryGet("0123456789ab", out _));
        cache.GoLive(); // reconnected: starts empty
        Assert.False(cache.TryGet("0123456789ab", out _));
    }
}
