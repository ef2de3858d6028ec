package io.relaycast.signaling.shop;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.db.Sql;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.featured.FeaturedItem;
import io.relaycast.signaling.featured.FeaturedRepository;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamService;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.Currency;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Sales reported by the integrator (the stream's owner or an admin), idempotent on orderId per stream, attributed
 * to the featured item named in the request or else to the one featured when the sale was recorded.
 */
public final class SaleService {
    /** What {@link #record} did: {@code created} is false when the orderId was already recorded. */
    public record Recorded(Sale sale, boolean created) {
    }

    private final SaleRepository sales;
    private final FeaturedRepository featured;
    private final StreamService streams;
    private final ShopConfig config;
    private final Clock clock;
    private final List<SaleListener> listeners = new CopyOnWriteArrayList<>();

    public SaleService(SaleRepository sales, FeaturedRepository featured, StreamService streams, ShopConfig config, Clock clock) {
        this.sales = sales;
        this.featured = featured;
        this.streams = streams;
        this.config = config;
        this.clock = clock;
    }

    public void addListener(SaleListener l) {
        listeners.add(l);
    }

    public Recorded record(Principal who, String streamId, String orderId, String featuredId, String productId,
                           String buyerId, Integer quantity, BigDecimal amount, String currency) {
        Stream s = streams.requireOwned(who, streamId);
        String order = id("orderId", orderId, true);
        String product = id("productId", productId, false);
        String buyer = id("buyerId", buyerId, false);
        int q = quantity == null ? 1 : quantity;
        if (q < 1 || q > config.maxQuantity()) {
            throw ServiceException.invalid("quantity must be 1-" + config.maxQuantity());
        }
        Currency cur = currency(currency);
        BigDecimal amt = amount(amount, cur);
        Optional<Sale> earlier = sales.find(s.id(), order);
        if (earlier.isPresent()) {
            return repeat(earlier.get(), q, amt, cur);
        }
        String attributed;
        if (featuredId != null) {
            attributed = featured.find(featuredId).filter(f -> f.streamId().equals(s.id())).map(FeaturedItem::id)
                    .orElseThrow(() -> new ServiceException(ErrorCode.NOT_FOUND,
                            "featured item '" + featuredId + "' was not shown on this stream"));
        } else {
            attributed = featured.current(s.id()).map(FeaturedItem::id).orElse(null);
        }
        Sale sale = new Sale(UUID.randomUUID().toString(), s.id(), order, attributed, product, buyer, q, amt,
                cur.getCurrencyCode(), who.userId(), clock.millis());
        try {
            sales.insert(sale);
        } catch (UnableToExecuteStatementException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            // the same order reported twice at once: the other request stored it (and its webhook)
            return repeat(sales.find(s.id(), order).orElseThrow(() -> e), q, amt, cur);
        }
        listeners.forEach(l -> l.onSale(sale));
        return new Recorded(sale, true);
    }

    /** The same orderId again: fine when it describes the same order, a conflict when it does not. */
    private static Recorded repeat(Sale earlier, int quantity, BigDecimal amount, Currency currency) {
        if (earlier.quantity() != quantity || earlier.amount().compareTo(amount) != 0
                || !earlier.currency().equals(currency.getCurrencyCode())) {
            throw new ServiceException(ErrorCode.DUPLICATE_ORDER,
                    "orderId '" + earlier.orderId() + "' was already recorded with a different quantity, amount or currency");
        }
        return new Recorded(earlier, false);
    }

    private static String id(String name, String v, boolean required) {
        if (v == null) {
            if (required) {
                throw ServiceException.invalid(name + " is required");
            }
            return null;
        }
        String t = v.strip();
        if (t.isEmpty() || t.length() > 128) {
            throw ServiceException.invalid(name + " must be 1-128 characters");
        }
        return t;
    }

    /** ISO 4217: an active three-letter code the JDK's currency data knows (EUR, USD, JPY...). */
    private static Currency currency(String code) {
        if (code == null || !code.matches("[A-Z]{3}")) {
            throw ServiceException.invalid("currency must be an ISO 4217 code such as EUR");
        }
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw ServiceException.invalid("currency '" + code + "' is not an ISO 4217 code");
        }
    }

    /** At most two decimals, and no more than the currency has (JPY: none). */
    private BigDecimal amount(BigDecimal amount, Currency currency) {
        if (amount == null) {
            throw ServiceException.invalid("amount is required");
        }
        int digits = Math.max(0, Math.min(2, currency.getDefaultFractionDigits()));
        BigDecimal a = amount.stripTrailingZeros();
        if (a.scale() > digits) {
            throw ServiceException.invalid("amount must have at most " + digits + " decimals in " + currency.getCurrencyCode());
        }
        if (a.signum() < 0 || a.compareTo(config.maxAmount()) > 0) {
            throw ServiceException.invalid("amount must be 0-" + config.maxAmount().toPlainString());
        }
        return a.setScale(2);
    }
}
