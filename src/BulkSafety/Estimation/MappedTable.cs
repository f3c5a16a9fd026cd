using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BulkSafety.Estimation;

/// <summary>
/// One table an entity type writes (one for plain, TPH and TPC types; several for TPT and entity splitting): its
/// <see cref="TableShape"/> and, per column, how to read the entry's value. Built once per entity type and cached on the
/// model as a runtime annotation, so every context of the same model shares it.
/// </summary>
internal sealed class MappedTable
{
    private const string AnnotationName = "BulkSafety:MappedTables";

    private MappedTable(ITable table, TableShape shape, DatabaseCascade[] databaseCascades, ColumnReader[] readers, IProperty[] keyProperties)
    {
        Table = table;
        Shape = shape;
        DatabaseCascades = databaseCascades;
        Identity = table.SchemaQualifiedName;
        Readers = readers;
        KeyProperties = keyProperties;
        KeyNames = Array.ConvertAll(keyProperties, static p => p.Name);
        HasUnknown = Array.Exists(readers, static r => r.IsUnknown);
    }

    /// <summary>The relational model's table.</summary>
    public ITable Table { get; }

    /// <summary>The engine-neutral shape.</summary>
    public TableShape Shape { get; }

    /// <summary>The tables the database reaches through <c>ON DELETE CASCADE</c> from this one, at any depth.</summary>
    public DatabaseCascade[] DatabaseCascades { get; }

    /// <summary>The schema-qualified table name: the key of per-table tallies and hot rows.</summary>
    public string Identity { get; }

    /// <summary>One reader per column of <see cref="Shape"/>.</summary>
    public ColumnReader[] Readers { get; }

    /// <summary>The entity type's primary key properties (empty for keyless types).</summary>
    public IProperty[] KeyProperties { get; }

    /// <summary>The names of <see cref="KeyProperties"/>, for reports.</summary>
    public string[] KeyNames { get; }

    /// <summary>Whether any column has a type the estimator cannot size.</summary>
    public bool HasUnknown { get; }

    /// <summary>The tables <paramref name="entityType"/> writes, cached on the model.</summary>
    public static IReadOnlyList<MappedTable> For(IEntityType entityType)
        => entityType.GetOrAddRuntimeAnnotationValue(AnnotationName, static type => Build(type!), entityType);

    private static MappedTable[] Build(IEntityType entityType)
    {
        var keyProperties = entityType.FindPrimaryKey()?.Properties.ToArray() ?? [];
        var tables = new List<MappedTable>();
        foreach (var mapping in entityType.GetTableMappings())
        {
            var table = mapping.Table;
            var columns = OrderedColumns(table);
            var readers = new ColumnReader[columns.Length];
            var shapes = new ColumnShape[columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                var property = mapping.ColumnMappings.FirstOrDefault(m => m.Column == columns[i])?.Property;
                var (type, converter) = StoreTypeMapper.Map(property ?? columns[i].PropertyMappings.First().Property);
                shapes[i] = ColumnShapeOf(table, columns[i], type);
                readers[i] = property is null ? ColumnReader.Unmapped : ColumnReader.For(property, type, converter);
            }

            var cascades = DatabaseCascadesOf(table);
            var shape = new TableShape(table.Name, shapes, IndexCount(table)) { Schema = table.Schema, CascadeDeleteTables = [.. cascades.DistinctBy(c => c.Table).Select(c => c.Shape)] };
            tables.Add(new MappedTable(table, shape, cascades, readers, keyProperties));
        }

        return [.. tables];
    }

    // The physical order EF Core's migrations create columns in — key columns first, then the declaration order of the
    // mapped CLR properties, base types first, shadow properties last — so that PostgreSQL's alignment padding and a HOT
    // update's changed byte range come out as in the real table. (An explicit HasColumnOrder is not in the runtime model
    // and is not followed.)
    private static IColumn[] OrderedColumns(ITable table)
    {
        var key = table.PrimaryKey?.Columns.ToList() ?? [];
        return [.. table.Columns
            .OrderBy(c => key.IndexOf(c) is >= 0 and var position ? position : int.MaxValue)
            .ThenBy(DeclarationRank)
            .ThenBy(c => c.Name, StringComparer.Ordinal)];
    }

    private static (int Depth, int Token) DeclarationRank(IColumn column)
    {
        var property = column.PropertyMappings.First().Property;
        if ((property.PropertyInfo ?? (System.Reflection.MemberInfo?)property.FieldInfo) is not { DeclaringType: { } declaringType } member)
        {
            return (int.MaxValue, int.MaxValue);
        }

        var depth = 0;
        for (var type = declaringType.BaseType; type is not null; type = type.BaseType)
        {
            depth++;
        }

        return (depth, member.MetadataToken);
    }

    private static ColumnShape ColumnShapeOf(ITable table, IColumn column, ColumnType type)
        => new(column.Name, type, isKey: table.PrimaryKey?.Columns.Contains(column) == true, isNullable: column.IsNullable);

    private static TableShape ShapeOf(ITable table, IColumn[] columns)
        => new(table.Name, columns.Select(c => ColumnShapeOf(table, c, StoreTypeMapper.Map(c.PropertyMappings.First().Property).Type)), IndexCount(table)) { Schema = table.Schema };

    // The primary key and unique constraints, plus the indexes (EF creates one per foreign key by convention).
    private static int IndexCount(ITable table) => table.UniqueConstraints.Count() + table.Indexes.Count();

    // Every table the database reaches through ON DELETE CASCADE from this one, at any depth, each by its shortest chain
    // of foreign keys (breadth first; a table reached again by another chain is not followed twice), and every foreign
    // key with ON DELETE SET NULL or SET DEFAULT into this table or one the cascade reaches: the rows the database updates.
    private static DatabaseCascade[] DatabaseCascadesOf(ITable table)
    {
        var seen = new HashSet<ITable> { table };
        var setting = new HashSet<IForeignKeyConstraint>();
        var pending = new Queue<(ITable Table, IForeignKeyConstraint[] Path)>([(table, [])]);
        var cascades = new List<DatabaseCascade>();
        while (pending.TryDequeue(out var principal))
        {
            foreach (var foreignKey in principal.Table.ReferencingForeignKeyConstraints)
            {
                var deletes = foreignKey.OnDeleteAction == ReferentialAction.Cascade && seen.Add(foreignKey.Table);
                if (deletes || (foreignKey.OnDeleteAction is ReferentialAction.SetNull or ReferentialAction.SetDefault && setting.Add(foreignKey)))
                {
                    IForeignKeyConstraint[] path = [.. principal.Path, foreignKey];
                    var columns = OrderedColumns(foreignKey.Table);
                    cascades.Add(new DatabaseCascade(path, ShapeOf(foreignKey.Table, columns), columns));
                    if (deletes)
                    {
                        pending.Enqueue((foreignKey.Table, path));
                    }
                }
            }
        }

        return [.. cascades];
    }
}
