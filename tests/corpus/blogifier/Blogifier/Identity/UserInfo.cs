using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace Blogifier.Identity;

public class UserInfo : IdentityUser
{
    [StringLength(256)]
    public string NickName { get; set; } = default!;

    [StringLength(1024)]
    public string? Avatar { get; set; }

    public string? Bio { get; set; }

    public DateTime CreatedAt { get; set; }
}
