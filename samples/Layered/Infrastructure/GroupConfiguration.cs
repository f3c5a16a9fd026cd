using Layered.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Layered.Infrastructure;

/// <summary>The group's mapping, applied by ApplyConfigurationsFromAssembly.</summary>
public sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> builder)
    {
        builder.Property(g => g.Description).IsRequired();          // BS3001: unbounded, on a row rewritten per post
        builder.HasMany(g => g.Posts)                               // BS2001: cascade, each post rewrites its group
            .WithOne(p => p.Group)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
