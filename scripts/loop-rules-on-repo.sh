#!/usr/bin/env bash
# Runs the loop rules (BS1001-BS1003) over the C# files of another repository, for the precision check recorded in
# docs/performance.md. Usage: scripts/loop-rules-on-repo.sh <git directory or work tree> [<revision>]
# All .cs files of the revision form one compilation against .NET, ASP.NET Core and EF Core 10 but none of the
# repository's other packages, so parts of it do not bind. The compiler does not report analyzer diagnostics for a
# compilation with errors, so a throwaway tool runs the analyzers through Roslyn's CompilationWithAnalyzers, which
# analyzes whatever binds. Prints each diagnostic with its source line, then a count.
set -euo pipefail
repo=${1:?git directory or work tree}
revision=${2:-HEAD}
root="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/src" "$work/tool"
git --git-dir="$(git -C "$repo" rev-parse --absolute-git-dir)" archive "$revision" -- ':(glob)**/*.cs' | tar -x -C "$work/src"
find "$work/src" -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +

cat > "$work/tool/Tool.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <FrameworkReference Include="Microsoft.AspNetCore.App" />
    <PackageReference Include="Microsoft.CodeAnalysis.CSharp" Version="4.14.0" />
    <PackageReference Include="Microsoft.EntityFrameworkCore.Relational" Version="10.0.14" />
    <ProjectReference Include="$root/analyzers/BulkSafety.Analyzers/BulkSafety.Analyzers.csproj" />
  </ItemGroup>
</Project>
PROJECT
cat > "$work/tool/Program.cs" <<'TOOL'
using System.Collections.Immutable;
using System.Reflection.PortableExecutable;
using BulkSafety.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

var source = args[0];
var files = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
var parse = new CSharpParseOptions(LanguageVersion.Latest);
var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, path: Path.GetRelativePath(source, f))).ToList();
trees.Add(CSharpSyntaxTree.ParseText(
    "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;",
    parse, path: "ImplicitUsings.cs"));
var directories = new[] { Path.GetDirectoryName(typeof(object).Assembly.Location)!, Path.GetDirectoryName(typeof(Microsoft.AspNetCore.Http.HttpContext).Assembly.Location)!, AppContext.BaseDirectory };
var references = directories.SelectMany(d => Directory.EnumerateFiles(d, "*.dll"))
    .Where(p => !Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) && !Path.GetFileName(p).StartsWith("BulkSafety", StringComparison.Ordinal) && Path.GetFileName(p) != "Tool.dll")
    .GroupBy(Path.GetFileName).Select(g => g.First())
    .Where(p => { using var s = File.OpenRead(p); using var r = new PEReader(s); return r.HasMetadata; })
    .Select(p => MetadataReference.CreateFromFile(p));
var compilation = CSharpCompilation.Create("Checked", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Annotations));
ImmutableArray<DiagnosticAnalyzer> analyzers = [new PerEntityDeleteLoopAnalyzer(), new SaveChangesInLoopAnalyzer(), new PerEntityUpdateLoopAnalyzer()];
var failures = new List<string>();
var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), (e, a, _) => failures.Add($"{a.GetType().Name}: {e}"), concurrentAnalysis: true, logAnalyzerExecutionTime: false);
var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
foreach (var d in diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start))
{
    var line = d.Location.GetLineSpan();
    Console.WriteLine($"{line.Path}({line.StartLinePosition.Line + 1}): {d.Id} {d.GetMessage()}");
    Console.WriteLine("    " + d.Location.SourceTree!.GetText().Lines[line.StartLinePosition.Line].ToString().Trim());
}

var errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
Console.WriteLine($"{diagnostics.Length} BS diagnostics ({string.Join(", ", diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))}) in {files.Count} C# files; {errors} compiler errors where the repository's other packages are missing; {failures.Count} analyzer exceptions");
foreach (var failure in failures) Console.Error.WriteLine(failure);
return failures.Count == 0 ? 0 : 1;
TOOL
dotnet run --project "$work/tool" -c Release -v:q -- "$work/src"
echo "repository: $(basename "$(cd "$repo" && pwd)") at $(git -C "$repo" rev-parse --short "$revision")"
