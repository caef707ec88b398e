using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Testing;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.Api;

public sealed class LettersApiTests
{
    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Staff_list_letters_without_content_and_a_returned_code_letter_blocks_the_code(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();

        var listed = await h.Staff.GetFromJsonAsync<JsonElement>($"/api/v1/insured/{person.Kvnr}/letters");
        var letter = Assert.Single(listed.EnumerateArray());
        Assert.Equal(LetterKinds.CodeFirst, letter.GetProperty("kind").GetString());
        var text = listed.GetRawText();
        Assert.DoesNotContain(code, text, StringComparison.Ordinal);
        Assert.DoesNotContain("sealed", text, StringComparison.OrdinalIgnoreCase);

        var id = letter.GetProperty("id").GetGuid();
        var returned = await h.Staff.PostAsync($"/api/v1/letters/{id}/returned", null);
        Assert.Equal(HttpStatusCode.OK, returned.StatusCode);
        Assert.True((await returned.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("codeBlocked").GetBoolean());

        var row = await h.WithDbAsync(db => db.AuthCodes.SingleAsync(a => a.PersonId == person.Id));
        Assert.Equal((AuthCodeState.None, AuthCodeReasons.LetterReturned), (row.State, row.Reason));
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(person, code))).StatusCode);
        Assert.Equal(0, (await h.IssueDueAsync()).Issued); // no new code to an address known to be wrong

        var unknown = await h.Staff.PostAsync($"/api/v1/letters/{Guid.CreateVersion7()}/returned", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var malformed = await h.Staff.PostAsync("/api/v1/letters/not-a-letter/returned", null);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(ErrorCodes.LetterIdInvalid, (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Ivr.GetAsync($"/api/v1/insured/{person.Kvnr}/letters")).StatusCode);
    }
}
