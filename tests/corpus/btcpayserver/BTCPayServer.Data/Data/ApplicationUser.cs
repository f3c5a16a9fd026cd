using Microsoft.AspNetCore.Identity;

namespace BTCPayServer.Data;

public class ApplicationUser : IdentityUser
{
    public bool RequiresEmailConfirmation { get; set; }
    public DateTimeOffset? Created { get; set; }
    public string? Blob2 { get; set; }
    public List<UserStore> UserStores { get; set; } = new();
    public List<NotificationData> Notifications { get; set; } = new();
}
