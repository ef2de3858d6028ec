package io.relaycast.signaling.shop;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.math.BigDecimal;
import java.util.List;

/** {@code relaycast.shop}: sale limits and the concurrent-viewer milestones sent as viewer.milestone webhooks. */
public record ShopConfig(List<Integer> viewerMilestones, BigDecimal maxAmount, int maxQuantity) {
    public static ShopConfig from(Config c) {
        List<Integer> m = c.getIntList("viewer-milestones").stream().sorted().distinct().toList();
        if (m.stream().anyMatch(v -> v < 1)) {
            throw new ConfigException.BadValue(c.origin(), "viewer-milestones", "each must be at least 1");
        }
        BigDecimal max = new BigDecimal(c.getString("max-amount"));
        if (max.signum() <= 0) {
            throw new ConfigException.BadValue(c.origin(), "max-amount", "must be positive");
        }
        int q = c.getInt("max-quantity");
        if (q < 1) {
            throw new ConfigException.BadValue(c.origin(), "max-quantity", "must be at least 1");
        }
        return new ShopConfig(m, max, q);
    }
}
