using Clean.Architecture.Core.Interfaces;

namespace Clean.Architecture.Core.ProjectAggregate;

public enum PriorityStatus
{
    Backlog,
    Urgent,
}

public class Project : EntityBase, IAggregateRoot
{
    private readonly List<ToDoItem> _items = new();

    public Project(string name, PriorityStatus priority)
    {
        Name = name;
        Priority = priority;
    }

    public string Name { get; private set; }
    public PriorityStatus Priority { get; private set; }
    public IEnumerable<ToDoItem> Items => _items.AsReadOnly();

    public void AddItem(ToDoItem newItem) => _items.Add(newItem);

    public void UpdateName(string newName) => Name = newName;
}

public class ToDoItem : EntityBase
{
    public string Title { get; set; } = string.Empty;
    public string Description { get; set; } = string.Empty;
    public int? ContributorId { get; private set; }
    public bool IsDone { get; private set; }
    public int ProjectId { get; private set; }

    public void MarkComplete() => IsDone = true;

    public void AddContributor(int contributorId) => ContributorId = contributorId;

    public void RemoveContributor() => ContributorId = null;
}
