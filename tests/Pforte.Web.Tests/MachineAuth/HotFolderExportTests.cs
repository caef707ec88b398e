using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.AuthCodes;
using Pforte.Core.Letters;
using Pforte.Testing;

namespace Pforte.Web.Tests.MachineAuth;

public sealed class HotFolderExportTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_web_host_hands_letters_over_into_the_hot_folder_once_per_slot(string provider)
    {
        var hot = Path.Combine(Path.GetTempPath(), "pforte-hot-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var h = await MachineAuthHarness.CreateAsync(provider, new Dictionary<string, string?> { ["Pforte:Letters:HotFolder"] = hot });
            var person = await h.AddPersonAsync();
            await h.IssueDueAsync();

            await using (var scope = h.Factory.Services.CreateAsyncScope())
            {
                var result = await scope.ServiceProvider.GetRequiredService<ScheduledLetterExport>().RunIfDueAsync();
                Assert.NotNull(result);
                Assert.Equal(1, result.Letters);
            }
            var batch = Assert.Single(Directory.GetDirectories(hot));
            Assert.True(File.Exists(Path.Combine(batch, ExportLetters.ManifestFile)));
            Assert.Single(Directory.GetFiles(batch, "*.pdf"));
            Assert.Equal(AuthCodeState.Active, await h.WithDbAsync(db => db.AuthCodes.Where(a => a.PersonId == person.Id).Select(a => a.State).SingleAsync()));

            // Another process (or tick) in the same slot does nothing.
            await h.AddPersonAsync();
            await h.IssueDueAsync();
            await using (var scope = h.Factory.Services.CreateAsyncScope())
            {
                Assert.Null(await scope.ServiceProvider.GetRequiredService<ScheduledLetterExport>().RunIfDueAsync());
            }
            Assert.Single(Directory.GetDirectories(hot));
        }
        finally
        {
            if (Directory.Exists(hot))
            {
                Directory.Delete(hot, recursive: true);
            }
        }
    }

    [Fact]
    public async Task While_an_operator_exports_into_the_hot_folder_the_scheduled_hand_over_waits_for_the_next_tick_without_losing_its_slot()
    {
        var hot = Path.Combine(Path.GetTempPath(), "pforte-hot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(hot);
        try
        {
            await using var h = await MachineAuthHarness.CreateAsync("sqlite", new Dictionary<string, string?> { ["Pforte:Letters:HotFolder"] = hot });
            await h.AddPersonAsync();
            await h.IssueDueAsync();
            var operatorRun = ExportLetters.TryLockFolder(hot).Value; // e.g. `pforte letters export --out` into the same folder
            await using (var scope = h.Factory.Services.CreateAsyncScope())
            {
                Assert.Null(await scope.ServiceProvider.GetRequiredService<ScheduledLetterExport>().RunIfDueAsync());
            }
            Assert.Empty(Directory.GetDirectories(hot));
            await operatorRun.DisposeAsync();

            await using (var scope = h.Factory.Services.CreateAsyncScope())
            {
                var result = await scope.ServiceProvider.GetRequiredService<ScheduledLetterExport>().RunIfDueAsync(); // the next tick, same slot
                Assert.NotNull(result);
                Assert.Equal(1, result.Letters);
            }
            Assert.Single(Directory.GetDirectories(hot));
        }
        finally
        {
            Directory.Delete(hot, recursive: true);
        }
    }
}
