using System.Diagnostics;
using Pforte.Core.Letters;
using Pforte.Letters.Pdf;

namespace Pforte.Benchmarks;

/// <summary>
/// Diagnostic: renders N code letters (sample data, a fake code) into print files of 1,000 letters, on one thread
/// and then on all cores, without a database, to see what the PDF part of the export costs per letter.
/// Usage: Pforte.Benchmarks.dll render-probe [N] [OUT.pdf]
/// </summary>
internal static class RenderProbe
{
    public static void Run(int count, string? sample)
    {
        var renderer = new PdfLetterRenderer();
        var sender = new Letterhead("Benchmark-Kasse", "Musterstraße 1", "60311 Frankfurt am Main", "260326822");
        var models = Enumerable.Range(0, count).Select(i => LetterTexts.Compose(LetterKinds.CodeFirst, sender,
            new LetterAddress("Jürgen" + i, "Groß", "Schloßallee", (i % 200).ToString(System.Globalization.CultureInfo.InvariantCulture), "35037", "Marburg", "DE"),
            "A123456780", new DateOnly(2026, 11, 28), Guid.CreateVersion7().ToString("N"), (i % 10_000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var files = models.Chunk(ExportLetters.LettersPerFile).ToList();
        long bytes = 0;
        // Warm-up (JIT, font loading).
        renderer.Render(models.Take(50).ToList(), Stream.Null);
        var watch = Stopwatch.StartNew();
        foreach (var file in files)
        {
            using var buffer = new MemoryStream();
            renderer.Render(file, buffer);
            bytes += buffer.Length;
        }
        var single = watch.Elapsed;
        Console.WriteLine($"1 thread:  {count} letters in {single.TotalSeconds:F2} s = {count / single.TotalSeconds:F0} letters/s, {bytes / count} bytes/letter");
        watch.Restart();
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, file =>
        {
            using var buffer = new MemoryStream();
            renderer.Render(file, buffer);
        });
        var parallel = watch.Elapsed;
        Console.WriteLine($"{Environment.ProcessorCount} threads: {count} letters in {parallel.TotalSeconds:F2} s = {count / parallel.TotalSeconds:F0} letters/s");
        if (sample is not null)
        {
            using var file = File.Create(sample);
            renderer.Render(models.Take(3).ToList(), file);
        }
    }
}
