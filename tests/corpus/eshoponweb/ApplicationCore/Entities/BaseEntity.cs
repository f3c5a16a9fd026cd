namespace Microsoft.eShopWeb.ApplicationCore.Entities;

public abstract class BaseEntity
{
    public virtual int Id { get; protected set; }
}
