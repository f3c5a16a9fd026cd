using Clean.Architecture.Core.Interfaces;
using Clean.Architecture.Core.ProjectAggregate;

namespace Clean.Architecture.UseCases.Projects;

public class MarkProjectCompleteService
{
    private readonly IRepository<Project> _repository;

    public MarkProjectCompleteService(IRepository<Project> repository) => _repository = repository;

    public async Task<bool> MarkComplete(int projectId, CancellationToken cancellationToken)
    {
        var project = await _repository.GetByIdAsync(projectId, cancellationToken);
        if (project is null)
        {
            return false;
        }

        foreach (var item in project.Items)
        {
            item.MarkComplete();
        }

        await _repository.UpdateAsync(project, cancellationToken);
        return true;
    }
}
