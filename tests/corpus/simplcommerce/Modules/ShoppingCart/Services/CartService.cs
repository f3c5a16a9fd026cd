using SimplCommerce.Infrastructure.Data;
using SimplCommerce.Module.ShoppingCart.Models;

namespace SimplCommerce.Module.ShoppingCart.Services;

public class CartService
{
    private readonly IRepository<Cart> _cartRepository;
    private readonly IRepository<CartItem> _cartItemRepository;

    public CartService(IRepository<Cart> cartRepository, IRepository<CartItem> cartItemRepository)
    {
        _cartRepository = cartRepository;
        _cartItemRepository = cartItemRepository;
    }

    public void RemoveItem(CartItem item)
    {
        item.Cart.LatestUpdatedOn = DateTimeOffset.Now;
        _cartItemRepository.Remove(item);
    }

    public void ClearCart(Cart cart)
    {
        foreach (var item in cart.Items.ToList())
        {
            _cartItemRepository.Remove(item);
        }

        cart.LatestUpdatedOn = DateTimeOffset.Now;
        _cartItemRepository.SaveChanges();
    }

    public void RemoveItems(Cart cart, IReadOnlyList<long> productIds)
    {
        foreach (var item in cart.Items.Where(i => productIds.Contains(i.ProductId)).ToList())
        {
            RemoveItem(item);
            _cartRepository.SaveChanges();
        }
    }
}
