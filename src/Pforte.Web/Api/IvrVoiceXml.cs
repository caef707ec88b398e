using System.Globalization;
using System.Text;
using System.Xml;
using Pforte.Core.Ivr;

namespace Pforte.Web.Api;

/// <summary>
/// A dialogue turn as a VoiceXML 2.1 document (W3C, namespace http://www.w3.org/2001/vxml). A collecting turn is one
/// form with one digits field: its prompts (each led by a <c>&lt;mark&gt;</c> naming the prompt id), "*" replays them
/// without a round trip, and filled/noinput/nomatch/hang-up each submit <c>kind</c> (and <c>digits</c>) to the call's
/// input URL, which answers with the next document. A transfer turn plays its prompts and either transfers to
/// <see cref="IvrOptions.AgentDestination"/> or exits with <c>reason</c> and <c>authenticationId</c> for the platform.
/// </summary>
public static class IvrVoiceXml
{
    public const string ContentType = "application/voicexml+xml";
    public const string Namespace = "http://www.w3.org/2001/vxml";

    public static string Render(IvrTurn turn, string inputUrl, string? agentDestination)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var text = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };
        using (var w = XmlWriter.Create(new StringWriter(text, CultureInfo.InvariantCulture), settings))
        {
            w.WriteStartElement("vxml", Namespace);
            w.WriteAttributeString("version", "2.1");
            w.WriteAttributeString("xml", "lang", null, "de-DE");
            w.WriteStartElement("var", Namespace);
            w.WriteAttributeString("name", "kind");
            w.WriteAttributeString("expr", "'dtmf'");
            w.WriteEndElement();
            if (turn.Collect is { } collect)
            {
                Collect(w, turn, collect, inputUrl);
            }
            else
            {
                End(w, turn, agentDestination);
            }
            w.WriteEndElement();
        }
        // StringWriter reports UTF-16; the document is sent as UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"UTF-8\"", StringComparison.Ordinal);
    }

    private static void Collect(XmlWriter w, IvrTurn turn, IvrCollect collect, string inputUrl)
    {
        w.WriteStartElement("link", Namespace);
        w.WriteAttributeString("dtmf", "*");
        w.WriteAttributeString("event", "pforte.repeat");
        w.WriteEndElement();
        w.WriteStartElement("form", Namespace);
        w.WriteAttributeString("id", collect.Field);
        w.WriteStartElement("field", Namespace);
        w.WriteAttributeString("name", "digits");
        w.WriteAttributeString("type", string.Create(CultureInfo.InvariantCulture, $"digits?minlength={collect.MinDigits};maxlength={collect.MaxDigits}"));
        Property(w, "timeout", string.Create(CultureInfo.InvariantCulture, $"{collect.TimeoutSeconds}s"));
        Property(w, "termchar", "#");
        Prompts(w, turn.Prompts);
        Handler(w, "noinput", null, "noinput", inputUrl);
        Handler(w, "nomatch", null, "nomatch", inputUrl);
        Handler(w, "catch", "pforte.repeat", null, inputUrl);
        Handler(w, "catch", "connection.disconnect.hangup", "hangup", inputUrl);
        w.WriteStartElement("filled", Namespace);
        Submit(w, inputUrl, "kind digits");
        w.WriteEndElement();
        w.WriteEndElement(); // field
        w.WriteEndElement(); // form
    }

    private static void End(XmlWriter w, IvrTurn turn, string? agentDestination)
    {
        foreach (var (name, value) in new[] { ("reason", turn.HandoverReason ?? turn.State), ("authenticationId", turn.AuthenticationId?.ToString() ?? "") })
        {
            w.WriteStartElement("var", Namespace);
            w.WriteAttributeString("name", name);
            w.WriteAttributeString("expr", "'" + value + "'"); // ids and a Guid: no quotes to escape
            w.WriteEndElement();
        }
        w.WriteStartElement("form", Namespace);
        w.WriteAttributeString("id", "end");
        w.WriteStartElement("block", Namespace);
        Prompts(w, turn.Prompts);
        if (turn.Action != "transfer" || agentDestination is null)
        {
            w.WriteStartElement("exit", Namespace);
            w.WriteAttributeString("namelist", "reason authenticationId");
            w.WriteEndElement();
        }
        w.WriteEndElement(); // block
        if (turn.Action == "transfer" && agentDestination is not null)
        {
            w.WriteStartElement("transfer", Namespace);
            w.WriteAttributeString("name", "agent");
            w.WriteAttributeString("dest", agentDestination);
            w.WriteAttributeString("type", "blind");
            w.WriteEndElement();
        }
        w.WriteEndElement(); // form
    }

    private static void Prompts(XmlWriter w, IReadOnlyList<IvrPrompt> prompts)
    {
        foreach (var prompt in prompts)
        {
            w.WriteStartElement("prompt", Namespace);
            w.WriteAttributeString("bargein", "true");
            w.WriteStartElement("mark", Namespace);
            w.WriteAttributeString("name", prompt.Id);
            w.WriteEndElement();
            w.WriteString(prompt.Text);
            w.WriteEndElement();
        }
    }

    private static void Property(XmlWriter w, string name, string value)
    {
        w.WriteStartElement("property", Namespace);
        w.WriteAttributeString("name", name);
        w.WriteAttributeString("value", value);
        w.WriteEndElement();
    }

    /// <summary>An event handler: submits <paramref name="kind"/>, or (no kind) replays the prompts locally.</summary>
    private static void Handler(XmlWriter w, string element, string? eventName, string? kind, string inputUrl)
    {
        w.WriteStartElement(element, Namespace);
        if (eventName is not null)
        {
            w.WriteAttributeString("event", eventName);
        }
        if (kind is null)
        {
            w.WriteStartElement("reprompt", Namespace);
            w.WriteEndElement();
        }
        else
        {
            w.WriteStartElement("assign", Namespace);
            w.WriteAttributeString("name", "kind");
            w.WriteAttributeString("expr", "'" + kind + "'");
            w.WriteEndElement();
            Submit(w, inputUrl, "kind");
        }
        w.WriteEndElement();
    }

    private static void Submit(XmlWriter w, string inputUrl, string namelist)
    {
        w.WriteStartElement("submit", Namespace);
        w.WriteAttributeString("next", inputUrl);
        w.WriteAttributeString("method", "post");
        w.WriteAttributeString("namelist", namelist);
        w.WriteEndElement();
    }
}
