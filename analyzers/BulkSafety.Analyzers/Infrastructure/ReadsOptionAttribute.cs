using System;

namespace BulkSafety.Analyzers.Infrastructure;

/// <summary>
/// Declares an <c>.editorconfig</c> option an analyzer reads (<c>dotnet_code_quality.&lt;ID&gt;.&lt;name&gt;</c>). The
/// conventions tests check that each rule page documents every option its analyzer declares.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
internal sealed class ReadsOptionAttribute(string name) : Attribute
{
    /// <summary>The option name, e.g. <c>small_set_max</c>.</summary>
    public string Name { get; } = name;
}
