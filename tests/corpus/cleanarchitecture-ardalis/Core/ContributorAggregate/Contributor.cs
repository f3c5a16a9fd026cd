using Clean.Architecture.Core.Interfaces;

namespace Clean.Architecture.Core.ContributorAggregate;

public enum ContributorStatus
{
    CoreTeam,
    Community,
    NotSet,
}

public class Contributor : EntityBase, IAggregateRoot
{
    public Contributor(string name) => Name = name;

    public string Name { get; private set; }
    public ContributorStatus Status { get; private set; } = ContributorStatus.NotSet;
    public PhoneNumber? PhoneNumber { get; private set; }
    public DateTime? LastActive { get; private set; }

    public void SetPhoneNumber(string phoneNumber) => PhoneNumber = new PhoneNumber("+1", phoneNumber, string.Empty);

    public void UpdateName(string newName) => Name = newName;

    public void MarkInactive() => Status = ContributorStatus.NotSet;
}

public class PhoneNumber
{
    public PhoneNumber(string countryCode, string number, string? extension)
    {
        CountryCode = countryCode;
        Number = number;
        Extension = extension;
    }

    public string CountryCode { get; private set; }
    public string Number { get; private set; }
    public string? Extension { get; private set; }
}
