#!/usr/bin/env bash
# Runs the loop rules (BS1001-BS1003) over the C# files of another repository, for the precision check recorded in
# docs/performance.md. Usage: scripts/loop-rules-on-repo.sh <git directory or work tree> [<revision>]
# All .cs files of the revision go into one throwaway project that references EF Core 10 and ASP.NET Core but none of
# the repository's other packages, so parts of it do not bind (compiler errors are expected and not shown); the
# analyzers still run over everything that binds. Prints each BS diagnostic as file(line): ID message, then a count.
set -euo pipefail
repo=${1:?git directory or work tree}
revision=${2:-HEAD}
root="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build "$root/analyzers/BulkSafety.Analyzers" -c Release -nologo -v:q >/dev/null
mkdir -p "$work/src"
git --git-dir="$(git -C "$repo" rev-parse --absolute-git-dir)" archive "$revision" | tar -x -C "$work/src"
find "$work/src" -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
cat > "$work/Check.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <OutputType>Library</OutputType>
    <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>annotations</Nullable>
    <LangVersion>latest</LangVersion>
    <EnableNETAnalyzers>false</EnableNETAnalyzers>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <Compile Include="src/**/*.cs" />
    <FrameworkReference Include="Microsoft.AspNetCore.App" />
    <PackageReference Include="Microsoft.EntityFrameworkCore.Relational" Version="10.0.14" />
    <Analyzer Include="$root/analyzers/BulkSafety.Analyzers/bin/Release/netstandard2.0/BulkSafety.Analyzers.dll" />
  </ItemGroup>
</Project>
PROJECT
cat > "$work/.editorconfig" <<'CONFIG'
root = true
[*.cs]
dotnet_diagnostic.BS1003.severity = warning
CONFIG
files=$(find "$work/src" -name '*.cs' | wc -l)
(cd "$work" && dotnet build Check.csproj -nologo -v:q -clp:NoSummary 2>&1 || true) \
  | grep -oE "src/[^(]+\([0-9]+,[0-9]+\): warning BS[0-9]{4}: [^[]*" | sort -u > "$work/found.txt" || true
cat "$work/found.txt"
echo "$(wc -l < "$work/found.txt") BS diagnostics in $files C# files of $(basename "$(cd "$repo" && pwd)") at $(git -C "$repo" rev-parse --short "$revision")"
