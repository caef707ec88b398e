using System.Runtime.InteropServices;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;
using Pforte.Core.Mailbox.Attachments;

namespace Pforte.Letters.Pdf;

/// <summary>
/// The second PDF check of the attachment inspector (ADR 0020): PDFsharp opens the document as a viewer would —
/// through its cross-reference table, with compressed object streams unpacked — and every object it holds is walked
/// for the names of active content. A file PDFsharp cannot open is refused as damaged; one that asks for a password
/// or carries an encryption dictionary as encrypted.
/// </summary>
public sealed class PdfSharpStructureCheck : IPdfStructureCheck
{
    /// <summary>Nesting deeper than this inside one object is not a document but an attack on the walk.</summary>
    private const int MaxDepth = 64;

    /// <summary>
    /// PDFsharp parses nested arrays and dictionaries by recursion; a stack overflow ends the whole process. The raw
    /// scan refuses nesting deeper than <see cref="PdfActiveContent.MaxNesting"/> first, and the parse runs on a
    /// thread whose stack holds that depth many times over (the test at the limit needs a few MB). Reserved, not
    /// committed: only the pages used are touched.
    /// </summary>
    internal const int StackSize = 64 * 1024 * 1024;

    public PdfFinding Check(ReadOnlyMemory<byte> pdf)
    {
        var finding = PdfFinding.Damaged;
        var thread = new Thread(() => finding = CheckHere(pdf), StackSize) { IsBackground = true, Name = "pdf-attachment-check" };
        thread.Start();
        thread.Join();
        return finding;
    }

    private static PdfFinding CheckHere(ReadOnlyMemory<byte> pdf)
    {
        using var stream = MemoryMarshal.TryGetArray(pdf, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(pdf.ToArray(), writable: false);
        var askedForPassword = false;
        PdfDocument document;
        try
        {
            document = PdfReader.Open(stream, PdfDocumentOpenMode.Import, args =>
            {
                askedForPassword = true;
                args.Abort = true;
            });
        }
        catch (Exception) when (askedForPassword)
        {
            return PdfFinding.Encrypted;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever the parser cannot read, no viewer can be trusted to read the same way: refused as damaged.
            return askedForPassword ? PdfFinding.Encrypted : PdfFinding.Damaged;
        }
        using (document)
        {
            if (askedForPassword || document.SecuritySettings.IsEncrypted)
            {
                return PdfFinding.Encrypted;
            }
            try
            {
                var found = PdfFinding.None;
                foreach (var item in document.Internals.GetAllObjects())
                {
                    found = Worst(found, Walk(item, 0));
                }
                return found;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return PdfFinding.Damaged;
            }
        }
    }

    private static PdfFinding Walk(PdfItem item, int depth)
    {
        if (depth > MaxDepth)
        {
            return PdfFinding.Damaged;
        }
        var found = PdfFinding.None;
        switch (item)
        {
            // An encryption dictionary: PDFsharp opens a file protected only against editing without asking for a
            // password and then reports it as not encrypted; the dictionary is still among its objects.
            case PdfSharp.Pdf.Security.PdfStandardSecurityHandler:
                return PdfFinding.Encrypted;
            case PdfDictionary dictionary when dictionary.Elements.ContainsKey("/O") && dictionary.Elements.ContainsKey("/U") && dictionary.Elements.ContainsKey("/P") && dictionary.Elements.ContainsKey("/Filter"):
                return PdfFinding.Encrypted;
            case PdfDictionary dictionary:
                foreach (var key in dictionary.Elements.Keys)
                {
                    found = Worst(found, PdfActiveContent.Classify(key));
                    // References are not followed: every indirect object is walked on its own (GetAllObjects).
                    if (dictionary.Elements[key] is { } value)
                    {
                        found = Worst(found, Walk(value, depth + 1));
                    }
                }
                break;
            case PdfArray array:
                foreach (var element in array.Elements)
                {
                    found = Worst(found, Walk(element, depth + 1));
                }
                break;
            case PdfName name:
                found = PdfActiveContent.Classify(name.Value);
                break;
        }
        return found;
    }

    /// <summary>The finding reported when several were found, in the order of <see cref="PdfFinding"/> (damaged first).</summary>
    private static PdfFinding Worst(PdfFinding a, PdfFinding b) => a == PdfFinding.None ? b : b == PdfFinding.None ? a : (PdfFinding)Math.Min((int)a, (int)b);
}
