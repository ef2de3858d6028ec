package io.relaycast.signaling.shop;

/** Told after a new sale is stored (not on a repeated orderId): the gateway sends stream:sale to the room. */
public interface SaleListener {
    void onSale(Sale sale);
}
