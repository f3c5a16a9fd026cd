using Clean.Architecture.Core.ContributorAggregate;
using Clean.Architecture.Core.ProjectAggregate;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Clean.Architecture.Infrastructure.Data.Config;

public static class DataSchemaConstants
{
    public const int DefaultNameLength = 100;
}

public class ContributorConfiguration : IEntityTypeConfiguration<Contributor>
{
    public void Configure(EntityTypeBuilder<Contributor> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(DataSchemaConstants.DefaultNameLength).IsRequired();
        builder.OwnsOne(builder => builder.PhoneNumber, n =>
        {
            n.Property(p => p.CountryCode).HasMaxLength(5);
            n.Property(p => p.Number).HasMaxLength(20);
        });
        builder.Property(x => x.Status).HasConversion<int>();
    }
}

public class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(DataSchemaConstants.DefaultNameLength).IsRequired();
        builder.Property(p => p.Priority).HasConversion<int>();
    }
}

public class ToDoConfiguration : IEntityTypeConfiguration<ToDoItem>
{
    public void Configure(EntityTypeBuilder<ToDoItem> builder)
    {
        builder.Property(t => t.Title).IsRequired().HasMaxLength(200);
    }
}
