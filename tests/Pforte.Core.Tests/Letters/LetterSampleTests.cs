using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Letters.Pdf;

namespace Pforte.Core.Tests.Letters;

/// <summary>Letters QA (back office) and <c>pforte letters sample</c>: every kind renders, none carries a code.</summary>
public sealed class LetterSampleTests
{
    public static TheoryData<string> Kinds => [.. LetterKinds.All];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_renders_as_a_watermarked_sample_without_a_code(string kind)
    {
        var model = RenderLetterSample.Compose(kind, new DateOnly(2026, 12, 5));
        Assert.Equal(RenderLetterSample.Watermark, model.Watermark);
        Assert.Equal(LetterKinds.CarriesCode(kind) ? RenderLetterSample.CodePlaceholder : null, model.Code);
        Assert.DoesNotContain(model.Code ?? "", char.IsAsciiDigit);

        using var pdf = new MemoryStream();
        var pages = new RenderLetterSample(new PdfLetterRenderer(), TimeProvider.System).Render(kind, pdf).Value;
        Assert.True(pages >= 1);
        Assert.Equal("%PDF-"u8.ToArray(), pdf.ToArray()[..5]);
    }

    [Fact]
    public void An_unknown_kind_is_refused_and_writes_nothing()
    {
        using var pdf = new MemoryStream();
        var result = new RenderLetterSample(new PdfLetterRenderer(), TimeProvider.System).Render("code-first ", pdf);
        Assert.Equal(ErrorCodes.LetterKindUnknown, result.Error?.Code);
        Assert.Equal(0, pdf.Length);
    }

    [Theory]
    [InlineData("0f8fad5bd9cb469fa16570867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("  0F8FAD5B-D9CB-469F-A165-70867728950E\n", "0f8fad5b-d9cb-469f-a165-70867728950e")]
    public void A_letter_id_is_read_as_typed_or_scanned(string text, string expected) =>
        Assert.Equal(Guid.Parse(expected), LetterReference.Parse(text).Value);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0f8fad5bd9cb469fa16570867728950")]
    [InlineData("{0f8fad5b-d9cb-469f-a165-70867728950e}")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("zf8fad5bd9cb469fa16570867728950e")]
    public void Anything_else_is_refused_with_its_code(string? text) =>
        Assert.Equal(ErrorCodes.WsLetterReferenceInvalid, LetterReference.Parse(text).Error?.Code);
}
