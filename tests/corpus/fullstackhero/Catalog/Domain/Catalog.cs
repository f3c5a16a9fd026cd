namespace FSH.Starter.WebApi.Catalog.Domain;

public abstract class AuditableEntity
{
    public Guid Id { get; protected set; } = Guid.NewGuid();
    public DateTimeOffset Created { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTimeOffset LastModified { get; set; }
    public Guid? LastModifiedBy { get; set; }
    public bool IsDeleted { get; set; }
}

public class Brand : AuditableEntity
{
    public string Name { get; private set; } = "";
    public string? Description { get; private set; }

    public static Brand Create(string name, string? description) => new() { Name = name, Description = description };

    public Brand Update(string? name, string? description)
    {
        Name = name ?? Name;
        Description = description ?? Description;
        return this;
    }
}

public class Product : AuditableEntity
{
    public string Name { get; private set; } = "";
    public string? Description { get; private set; }
    public decimal Price { get; private set; }
    public Guid? BrandId { get; private set; }
    public Brand? Brand { get; private set; }
    public ProductDimensions Dimensions { get; private set; } = new();

    public void Rebrand(Guid? brandId) => BrandId = brandId;
}

/// <summary>Stored as a JSON document in the product row.</summary>
public class ProductDimensions
{
    public decimal Width { get; set; }
    public decimal Height { get; set; }
    public string? Notes { get; set; }
}

/// <summary>One audit record per changed entity, written by the audit interceptor.</summary>
public class AuditTrail
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid UserId { get; set; }
    public string Operation { get; set; } = "";
    public string Entity { get; set; } = "";
    public DateTimeOffset DateTime { get; set; }
    public string? PreviousValues { get; set; }
    public string? NewValues { get; set; }
    public string? ModifiedProperties { get; set; }
    public string? PrimaryKey { get; set; }
}

/// <summary>A keyless read model over a database view.</summary>
public class BrandProductCount
{
    public string BrandName { get; set; } = "";
    public int Products { get; set; }
}
