using eShop.Ordering.Domain.SeedWork;

namespace eShop.Ordering.Domain.AggregatesModel;

public class Buyer : Entity, IAggregateRoot
{
    private readonly List<PaymentMethod> _paymentMethods = new();

    protected Buyer()
    {
    }

    public Buyer(string identity, string name)
    {
        IdentityGuid = identity;
        Name = name;
    }

    public string IdentityGuid { get; private set; } = "";
    public string Name { get; private set; } = "";
    public IReadOnlyCollection<PaymentMethod> PaymentMethods => _paymentMethods.AsReadOnly();

    public PaymentMethod VerifyOrAddPaymentMethod(int cardTypeId, string alias, string cardNumber, string cardHolderName, DateTime expiration)
    {
        var existing = _paymentMethods.SingleOrDefault(p => p.IsEqualTo(cardTypeId, cardNumber, expiration));
        if (existing is not null)
        {
            return existing;
        }

        var payment = new PaymentMethod(cardTypeId, alias, cardNumber, cardHolderName, expiration);
        _paymentMethods.Add(payment);
        return payment;
    }
}

public class PaymentMethod : Entity
{
    protected PaymentMethod()
    {
    }

    public PaymentMethod(int cardTypeId, string alias, string cardNumber, string cardHolderName, DateTime expiration)
    {
        CardTypeId = cardTypeId;
        Alias = alias;
        CardNumber = cardNumber;
        CardHolderName = cardHolderName;
        Expiration = expiration;
    }

    public string Alias { get; private set; } = "";
    public string CardNumber { get; private set; } = "";
    public string CardHolderName { get; private set; } = "";
    public DateTime Expiration { get; private set; }
    public int CardTypeId { get; private set; }
    public CardType? CardType { get; private set; }

    public bool IsEqualTo(int cardTypeId, string cardNumber, DateTime expiration)
        => CardTypeId == cardTypeId && CardNumber == cardNumber && Expiration == expiration;
}

public class CardType
{
    public int Id { get; init; }
    public required string Name { get; init; }
}

public interface IBuyerRepository : IRepository<Buyer>
{
    Buyer Add(Buyer buyer);

    Task<Buyer?> FindAsync(string buyerIdentityGuid);
}
