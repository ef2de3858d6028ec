package io.relaycast.web.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.featured.FeaturedItem;
import io.relaycast.signaling.reaction.LikeService;
import io.relaycast.signaling.shop.CommerceAnalytics;
import io.relaycast.signaling.shop.Sale;
import io.relaycast.signaling.shop.SaleService;

import java.util.LinkedHashMap;
import java.util.Map;

/** Live shopping: sales, likes, featured click-through, the featured history and clear, and analytics with commerce. */
public final class ShopRoutes {
    /** The live-shopping services, handed over by the composition root. */
    public record Shop(SaleService sales, LikeService likes, CommerceAnalytics commerce) {
    }

    private ShopRoutes() {
    }

    public static void register(Javalin app, Api api, Shop shop) {
        String p = Api.PREFIX + "/streams/{id}";
        app.post(p + "/sales", ctx -> {
            var b = api.body(ctx);
            SaleService.Recorded r = shop.sales().record(api.auth().user(ctx), ctx.pathParam("id"), b.string("orderId"),
                    b.string("featuredId"), b.string("productId"), b.string("buyerId"), b.integer("quantity"),
                    b.decimal("amount"), b.string("currency"));
            // 201 for a new order; 200 with the stored sale when the same orderId comes again (idempotent)
            ctx.status(r.created() ? 201 : 200).json(sale(r.sale(), !r.created()));
        });
        app.post(p + "/like", ctx -> ctx.json(likes(shop.likes().like(api.auth().user(ctx), ctx.pathParam("id")))));
        app.delete(p + "/like", ctx -> ctx.json(likes(shop.likes().unlike(api.auth().user(ctx), ctx.pathParam("id")))));
        app.get(p + "/like", ctx -> ctx.json(likes(shop.likes().state(api.auth().reader(ctx), ctx.pathParam("id")))));
        app.post(p + "/featured/{fid}/click", ctx -> {
            api.featured().click(api.auth().reader(ctx), anonymousKey(ctx), ctx.pathParam("id"), ctx.pathParam("fid"));
            ctx.status(204);
        });
        app.get(p + "/featured", ctx -> {
            if ("true".equals(ctx.queryParam("all"))) {
                ctx.json(Map.of("items", api.featured().history(api.auth().reader(ctx), ctx.pathParam("id")).stream()
                        .map(Views::featured).toList()));
                return;
            }
            FeaturedItem f = api.featured().latest(api.auth().reader(ctx), ctx.pathParam("id"))
                    .orElseThrow(() -> new ServiceException(ErrorCode.NOT_FOUND, "nothing is featured on this stream"));
            ctx.json(Views.featured(f));
        });
        app.delete(p + "/featured", ctx -> {
            api.featured().clear(api.auth().user(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });
        app.get(p + "/analytics", ctx -> {
            var a = api.analytics().forOwner(api.auth().user(ctx), ctx.pathParam("id"));
            Map<String, Object> body = Views.analytics(a);
            body.putAll(shop.commerce().of(a.streamId(), a.uniqueViewers()));
            ctx.json(body);
        });
        // the analytics page's charts: series at a step (seconds, default 10) finer than analytics' minutes
        app.get(p + "/analytics/timeline", ctx -> {
            String step = ctx.queryParam("step");
            int seconds;
            try {
                seconds = step == null ? 10 : Integer.parseInt(step);
            } catch (NumberFormatException e) {
                throw ServiceException.invalid("step must be a whole number of seconds");
            }
            ctx.json(api.analytics().timeline(api.auth().user(ctx), ctx.pathParam("id"), seconds));
        });
    }

    /** Anonymous clickers are told apart by address and user agent (never stored in clear: hashed). */
    private static String anonymousKey(Context ctx) {
        return Integer.toHexString((ctx.ip() + "|" + ctx.userAgent()).hashCode());
    }

    static Map<String, Object> likes(LikeService.LikeState s) {
        return Map.of("liked", s.liked(), "likeCount", s.likeCount());
    }

    static Map<String, Object> sale(Sale s, boolean duplicate) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("streamId", s.streamId());
        m.put("orderId", s.orderId());
        m.put("featuredId", s.featuredId());
        m.put("productId", s.productId());
        m.put("buyerId", s.buyerId());
        m.put("quantity", s.quantity());
        m.put("amount", s.amount().toPlainString());
        m.put("currency", s.currency());
        m.put("createdAt", Views.iso(s.createdAt()));
        m.put("duplicate", duplicate);
        return m;
    }
}
