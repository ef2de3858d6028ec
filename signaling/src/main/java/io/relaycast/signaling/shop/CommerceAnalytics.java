package io.relaycast.signaling.shop;

import io.relaycast.signaling.featured.FeaturedItem;
import io.relaycast.signaling.featured.FeaturedRepository;
import io.relaycast.signaling.reaction.LikeRepository;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live-shopping part of a stream's analytics: revenue (per currency), orders, buyers, conversion rate
 * (buyers / unique viewers), likes, and per featured item its clicks and sales. Read by the owner's
 * {@code GET /streams/{id}/analytics} (the caller checks ownership).
 */
public final class CommerceAnalytics {
    private final SaleRepository sales;
    private final FeaturedRepository featured;
    private final LikeRepository likes;

    public CommerceAnalytics(SaleRepository sales, FeaturedRepository featured, LikeRepository likes) {
        this.sales = sales;
        this.featured = featured;
        this.likes = likes;
    }

    /** JSON-ready fields to add to the analytics answer. */
    public Map<String, Object> of(String streamId, long uniqueViewers) {
        SaleRepository.Totals t = sales.totals(streamId);
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, String> revenue = new LinkedHashMap<>();
        t.revenue().forEach((c, v) -> revenue.put(c, v.toPlainString()));
        m.put("revenue", revenue);
        m.put("orders", t.orders());
        m.put("itemsSold", t.quantity());
        m.put("buyers", t.buyers());
        // a ratio of two counts, rounded to 4 decimals; 0 without viewers (a sale without viewers is not a conversion)
        m.put("conversionRate", uniqueViewers == 0 ? 0.0
                : BigDecimal.valueOf(t.buyers()).divide(BigDecimal.valueOf(uniqueViewers), 4, RoundingMode.HALF_UP).doubleValue());
        m.put("likes", likes.count(streamId));
        Map<String, int[]> clicks = featured.clicks(streamId);
        Map<String, SaleRepository.ItemTotals> perItem = new LinkedHashMap<>();
        sales.perFeatured(streamId).forEach(i -> perItem.put(i.featuredId(), i));
        List<Map<String, Object>> items = new ArrayList<>();
        int totalClicks = 0;
        for (FeaturedItem f : featured.history(streamId)) {
            int[] c = clicks.getOrDefault(f.id(), new int[]{0, 0});
            totalClicks += c[0];
            SaleRepository.ItemTotals s = perItem.get(f.id());
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("id", f.id());
            i.put("title", f.title());
            i.put("shownAt", Instant.ofEpochMilli(f.createdAt()).toString());
            i.put("clicks", c[0]);
            i.put("uniqueClickers", c[1]);
            i.put("orders", s == null ? 0 : s.orders());
            i.put("quantity", s == null ? 0 : s.quantity());
            Map<String, String> r = new LinkedHashMap<>();
            if (s != null) {
                s.revenue().forEach((k, v) -> r.put(k, v.toPlainString()));
            }
            i.put("revenue", r);
            items.add(i);
        }
        m.put("featuredClicks", totalClicks);
        m.put("featuredItems", items);
        return m;
    }
}
