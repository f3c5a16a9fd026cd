namespace SimplCommerce.Infrastructure.Events;

public interface INotification
{
}

public interface INotificationHandler<in TNotification> where TNotification : INotification
{
    Task Handle(TNotification notification, CancellationToken cancellationToken);
}

/// <summary>The in-process publisher the modules talk through (MediatR's shape).</summary>
public interface IMediator
{
    Task Publish(INotification notification, CancellationToken cancellationToken = default);
}

public class ReviewSummaryChanged : INotification
{
    public long EntityId { get; set; }
    public long EntityTypeId { get; set; }
    public int ReviewsCount { get; set; }
    public double? RatingAverage { get; set; }
}
