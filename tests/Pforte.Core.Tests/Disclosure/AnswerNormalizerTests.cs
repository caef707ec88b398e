using Pforte.Core.Authentication;

namespace Pforte.Core.Tests.Disclosure;

public sealed class AnswerNormalizerTests
{
    private static readonly PersonFacts Facts = new(new DateOnly(1984, 3, 7), "35037", "Große Straße", "12a", new DateOnly(2010, 3, 1),
        "80276883010000123456", "Jürgen", "Weiß");

    [Theory]
    [InlineData(PhoneQuestionCatalogue.BirthDate, "07.03.1984", true)]
    [InlineData(PhoneQuestionCatalogue.BirthDate, "7.3.1984", true)]
    [InlineData(PhoneQuestionCatalogue.BirthDate, "1984-03-07", true)]
    [InlineData(PhoneQuestionCatalogue.BirthDate, " 07031984 ", true)]
    [InlineData(PhoneQuestionCatalogue.BirthDate, "7. März 1984", true)]
    [InlineData(PhoneQuestionCatalogue.BirthDate, "03.07.1984", false)]
    [InlineData(PhoneQuestionCatalogue.PostcodeStreet, "35037 große straße", true)]
    [InlineData(PhoneQuestionCatalogue.PostcodeStreet, "35037 GROSSE STR.", true)]
    [InlineData(PhoneQuestionCatalogue.PostcodeStreet, "Grosse Strasse 12 a, 35037", true)]
    [InlineData(PhoneQuestionCatalogue.PostcodeStreet, "35038 Große Straße", false)]
    [InlineData(PhoneQuestionCatalogue.InsuranceStartMonth, "03/2010", true)]
    [InlineData(PhoneQuestionCatalogue.InsuranceStartMonth, "März 2010", true)]
    [InlineData(PhoneQuestionCatalogue.InsuranceStartMonth, "maerz 2010", true)]
    [InlineData(PhoneQuestionCatalogue.InsuranceStartMonth, "2010-03", true)]
    [InlineData(PhoneQuestionCatalogue.InsuranceStartMonth, "04.2010", false)]
    [InlineData(PhoneQuestionCatalogue.CardLastDigits, "23456", true)]
    [InlineData(PhoneQuestionCatalogue.CardLastDigits, "23 456", true)]
    [InlineData(PhoneQuestionCatalogue.CardLastDigits, "3456", false)]
    [InlineData(PhoneQuestionCatalogue.MainMemberName, "juergen weiss", true)]
    [InlineData(PhoneQuestionCatalogue.MainMemberName, "Weiß, Jürgen", true)]
    [InlineData(PhoneQuestionCatalogue.MainMemberName, "Weiß", false)]
    [InlineData(PhoneQuestionCatalogue.MainMemberName, "", false)]
    public void Answers_compare_normalised(string question, string answer, bool matches) =>
        Assert.Equal(matches, PhoneQuestionCatalogue.Matches(question, Facts, answer, 5));

    [Fact]
    public void Question_texts_never_contain_the_stored_values()
    {
        foreach (var q in PhoneQuestionCatalogue.Knowledge.Append(PhoneQuestionCatalogue.CardLastDigits))
        {
            var text = PhoneQuestionCatalogue.Text(q, 5);
            foreach (var secret in new[] { "1984", "35037", "Große", "2010", "23456", "Jürgen", "Weiß" })
            {
                Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
