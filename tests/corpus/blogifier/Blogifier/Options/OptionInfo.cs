using System.ComponentModel.DataAnnotations;

namespace Blogifier.Options;

/// <summary>A named blog setting; the key is the name.</summary>
public class OptionInfo
{
    [StringLength(256)]
    public string Key { get; set; } = default!;

    public string Value { get; set; } = default!;

    public DateTime CreatedAt { get; set; }
}
