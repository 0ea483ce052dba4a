using System.Globalization;
using System.Text;
using System.Xml;

namespace WasmProbe.Coverage.Reports;

/// <summary>Cobertura XML (the coverage-04 DTD's structure, as ReportGenerator, Azure DevOps, GitLab and Codecov read
/// it): one package per module, one class per source file, one method per function with code in that file; lines
/// with their hits, and for lines with branch points <c>branch="true"</c> and <c>condition-coverage="50% (1/2)"</c>
/// with one jump condition per branch point.</summary>
public static class CoberturaWriter
{
    public static void Write(IReadOnlyList<ReportModule> report, string sourceDirectory, TextWriter output)
    {
        using (var xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) }))
        {
            xml.WriteStartDocument();
            xml.WriteDocType("coverage", null, "http://cobertura.sourceforge.net/xml/coverage-04.dtd", null);
            xml.WriteStartElement("coverage");
            int linesCovered = report.Sum(m => m.LinesCovered), linesValid = report.Sum(m => m.LinesValid);
            int branchesCovered = report.Sum(m => m.BranchesCovered), branchesValid = report.Sum(m => m.BranchesValid);
            Rates(xml, linesCovered, linesValid, branchesCovered, branchesValid);
            xml.WriteAttributeString("lines-covered", Int(linesCovered));
            xml.WriteAttributeString("lines-valid", Int(linesValid));
            xml.WriteAttributeString("branches-covered", Int(branchesCovered));
            xml.WriteAttributeString("branches-valid", Int(branchesValid));
            xml.WriteAttributeString("complexity", "0");
            xml.WriteAttributeString("version", "1.9");
            xml.WriteAttributeString("timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

            xml.WriteStartElement("sources");
            xml.WriteElementString("source", sourceDirectory);
            xml.WriteEndElement();

            xml.WriteStartElement("packages");
            foreach (var module in report)
            {
                xml.WriteStartElement("package");
                xml.WriteAttributeString("name", module.Name);
                Rates(xml, module.LinesCovered, module.LinesValid, module.BranchesCovered, module.BranchesValid);
                xml.WriteAttributeString("complexity", "0");
                xml.WriteStartElement("classes");
                foreach (var file in module.Files)
                {
                    xml.WriteStartElement("class");
                    xml.WriteAttributeString("name", ClassName(module, file));
                    xml.WriteAttributeString("filename", file.Path);
                    Rates(xml, file.LinesCovered, file.LineCount, file.BranchesCovered, file.BranchesValid);
                    xml.WriteAttributeString("complexity", "0");
                    xml.WriteStartElement("methods");
                    foreach (var method in file.Methods)
                    {
                        var lines = method.Lines;
                        xml.WriteStartElement("method");
                        xml.WriteAttributeString("name", method.Function.Name);
                        xml.WriteAttributeString("signature", method.Signature);
                        Rates(xml, lines.Count(l => l.Hits > 0), lines.Count, lines.Sum(l => l.BranchesCovered), lines.Sum(l => l.BranchesValid));
                        xml.WriteAttributeString("complexity", "0");
                        Lines(xml, lines);
                        xml.WriteEndElement();
                    }
                    xml.WriteEndElement();
                    Lines(xml, file.Lines);
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
    }

    /// <summary>The module and the file name: "fib.wasm" for its listing, "fib.wasm/fib.c" for a source file.</summary>
    private static string ClassName(ReportModule module, ReportFile file)
    {
        string fileName = Path.GetFileName(file.Path);
        return fileName == CoverageReport.SafeFileName(module.Name) + ".lst" ? module.Name : $"{module.Name}/{fileName}";
    }

    private static void Lines(XmlWriter xml, IEnumerable<ReportLine> lines)
    {
        xml.WriteStartElement("lines");
        foreach (var line in lines)
        {
            xml.WriteStartElement("line");
            xml.WriteAttributeString("number", Int(line.Number));
            xml.WriteAttributeString("hits", line.Hits.ToString(CultureInfo.InvariantCulture));
            if (line.Branches.Count == 0)
            {
                xml.WriteAttributeString("branch", "false");
            }
            else
            {
                xml.WriteAttributeString("branch", "true");
                xml.WriteAttributeString("condition-coverage", $"{Percent(line.BranchesCovered, line.BranchesValid)}% ({line.BranchesCovered}/{line.BranchesValid})");
                xml.WriteStartElement("conditions");
                for (int i = 0; i < line.Branches.Count; i++)
                {
                    var branch = line.Branches[i];
                    xml.WriteStartElement("condition");
                    xml.WriteAttributeString("number", Int(i));
                    xml.WriteAttributeString("type", "jump");
                    xml.WriteAttributeString("coverage", $"{Percent(branch.Covered, branch.Outcomes.Count)}%");
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void Rates(XmlWriter xml, int linesCovered, int linesValid, int branchesCovered, int branchesValid)
    {
        xml.WriteAttributeString("line-rate", Rate(linesCovered, linesValid));
        xml.WriteAttributeString("branch-rate", Rate(branchesCovered, branchesValid));
    }

    private static string Rate(int covered, int valid) =>
        (valid == 0 ? 1.0 : (double)covered / valid).ToString("0.####", CultureInfo.InvariantCulture);

    private static int Percent(int covered, int valid) => valid == 0 ? 100 : (int)(100L * covered / valid);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
