using Clean.Architecture.Core.ContributorAggregate;
using Clean.Architecture.Core.Interfaces;

namespace Clean.Architecture.UseCases.Contributors;

public class DeleteContributorService
{
    private readonly IRepository<Contributor> _repository;

    public DeleteContributorService(IRepository<Contributor> repository) => _repository = repository;

    public async Task<bool> DeleteContributor(int contributorId)
    {
        var aggregateToDelete = await _repository.GetByIdAsync(contributorId);
        if (aggregateToDelete is null)
        {
            return false;
        }

        await _repository.DeleteAsync(aggregateToDelete);
        return true;
    }

    /// <summary>Variant for the corpus: pruning contributors one repository call at a time.</summary>
    public async Task PruneInactive(DateTime cutoff, CancellationToken cancellationToken)
    {
        var contributors = await _repository.ListAsync(cancellationToken);
        foreach (var contributor in contributors.Where(c => c.LastActive < cutoff))
        {
            await _repository.DeleteAsync(contributor, cancellationToken);
        }
    }

    /// <summary>Variant for the corpus: renaming through the repository, one UpdateAsync (one save) per contributor.</summary>
    public async Task NormalizeNames(CancellationToken cancellationToken)
    {
        foreach (var contributor in await _repository.ListAsync(cancellationToken))
        {
            contributor.UpdateName(contributor.Name.Trim());
            await _repository.UpdateAsync(contributor, cancellationToken);
        }
    }

    /// <summary>Variant for the corpus: the same rename with one save at the end.</summary>
    public async Task NormalizeNamesOnce(CancellationToken cancellationToken)
    {
        foreach (var contributor in await _repository.ListAsync(cancellationToken))
        {
            contributor.UpdateName(contributor.Name.Trim());
        }

        await _repository.SaveChangesAsync(cancellationToken);
    }
}
