package io.relaycast.signaling.shop;

import io.relaycast.signaling.webhook.WebhookEventType;
import io.relaycast.signaling.webhook.WebhookOutbox;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Sales in SQL, with their sale.recorded webhook in the same transaction. */
public final class SaleRepository {
    static final RowMapper<Sale> MAPPER = (rs, ctx) -> new Sale(rs.getString("id"), rs.getString("stream_id"),
            rs.getString("order_id"), rs.getString("featured_id"), rs.getString("product_id"), rs.getString("buyer_id"),
            rs.getInt("quantity"), rs.getBigDecimal("amount"), rs.getString("currency"), rs.getString("recorded_by"),
            rs.getLong("created_at"));

    /** Totals of one stream: revenue per currency, orders, distinct buyers (an order without buyerId is its own buyer). */
    public record Totals(Map<String, BigDecimal> revenue, int orders, int buyers, int quantity) {
    }

    /** Per featured item: orders, quantity and revenue per currency. */
    public record ItemTotals(String featuredId, int orders, int quantity, Map<String, BigDecimal> revenue) {
    }

    private final Jdbi jdbi;
    private volatile WebhookOutbox outbox;

    public SaleRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void useOutbox(WebhookOutbox outbox) {
        this.outbox = outbox;
    }

    /** Inserts the sale and its webhook; a second insert of the same (stream, order) fails with a unique violation. */
    public void insert(Sale s) {
        WebhookOutbox events = outbox;
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO sales (id, stream_id, order_id, featured_id, product_id, buyer_id, quantity, amount,"
                            + " currency, recorded_by, created_at) VALUES (:id, :stream, :order, :featured, :product, :buyer,"
                            + " :quantity, :amount, :currency, :by, :at)")
                    .bind("id", s.id()).bind("stream", s.streamId()).bind("order", s.orderId())
                    .bind("featured", s.featuredId()).bind("product", s.productId()).bind("buyer", s.buyerId())
                    .bind("quantity", s.quantity()).bind("amount", s.amount()).bind("currency", s.currency())
                    .bind("by", s.recordedBy()).bind("at", s.createdAt()).execute();
            if (events != null) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("streamId", s.streamId());
                d.put("saleId", s.id());
                d.put("orderId", s.orderId());
                d.put("featuredId", s.featuredId());
                d.put("productId", s.productId());
                d.put("buyerId", s.buyerId());
                d.put("quantity", s.quantity());
                d.put("amount", s.amount().toPlainString());
                d.put("currency", s.currency());
                events.append(h, WebhookEventType.SALE_RECORDED, d, s.createdAt());
            }
        });
    }

    public Optional<Sale> find(String streamId, String orderId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM sales WHERE stream_id = :s AND order_id = :o")
                .bind("s", streamId).bind("o", orderId).map(MAPPER).findOne());
    }

    public Totals totals(String streamId) {
        return jdbi.withHandle(h -> {
            Map<String, BigDecimal> revenue = new LinkedHashMap<>();
            h.createQuery("SELECT currency, SUM(amount) AS total FROM sales WHERE stream_id = :s GROUP BY currency ORDER BY currency")
                    .bind("s", streamId)
                    .map((rs, ctx) -> Map.entry(rs.getString("currency"), rs.getBigDecimal("total")))
                    .forEach(e -> revenue.put(e.getKey(), e.getValue().setScale(2)));
            var row = h.createQuery("SELECT COUNT(*) AS orders, COUNT(DISTINCT COALESCE(buyer_id, 'order:' || order_id)) AS buyers,"
                            + " COALESCE(SUM(quantity), 0) AS quantity FROM sales WHERE stream_id = :s")
                    .bind("s", streamId).map((rs, ctx) -> new int[]{rs.getInt(1), rs.getInt(2), rs.getInt(3)}).one();
            return new Totals(revenue, row[0], row[1], row[2]);
        });
    }

    public List<ItemTotals> perFeatured(String streamId) {
        return jdbi.withHandle(h -> {
            Map<String, ItemTotals> out = new LinkedHashMap<>();
            h.createQuery("SELECT featured_id, currency, COUNT(*) AS orders, SUM(quantity) AS quantity, SUM(amount) AS total"
                            + " FROM sales WHERE stream_id = :s AND featured_id IS NOT NULL GROUP BY featured_id, currency")
                    .bind("s", streamId)
                    .map((rs, ctx) -> new Object[]{rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getBigDecimal(5)})
                    .forEach(r -> {
                        ItemTotals prev = out.get((String) r[0]);
                        Map<String, BigDecimal> rev = new LinkedHashMap<>(prev == null ? Map.of() : prev.revenue());
                        rev.put((String) r[1], ((BigDecimal) r[4]).setScale(2));
                        out.put((String) r[0], new ItemTotals((String) r[0], (prev == null ? 0 : prev.orders()) + (int) r[2],
                                (prev == null ? 0 : prev.quantity()) + (int) r[3], rev));
                    });
            return List.copyOf(out.values());
        });
    }
}
