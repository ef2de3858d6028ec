package io.relaycast.signaling.shop;

import io.relaycast.signaling.db.Sql;
import io.relaycast.signaling.viewer.ViewerCountListener;
import io.relaycast.signaling.viewer.ViewerService;
import io.relaycast.signaling.webhook.WebhookEventType;
import io.relaycast.signaling.webhook.WebhookOutbox;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * viewer.milestone webhooks: the first time a stream has 100, 1,000 or 10,000 concurrent viewers
 * ({@code relaycast.shop.viewer-milestones}). Once per stream and milestone on any number of nodes: the row in
 * {@code stream_milestones} (primary key) and the webhook are written in one transaction, and the node that loses
 * the race rolls both back. A per-node memory skips milestones already sent.
 */
public final class ViewerMilestones implements ViewerCountListener {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerMilestones.class);

    private final Jdbi jdbi;
    private final ViewerService viewers;
    private final WebhookOutbox outbox;
    private final ShopConfig config;
    private final Clock clock;
    private final Set<String> sent = ConcurrentHashMap.newKeySet();

    public ViewerMilestones(Jdbi jdbi, ViewerService viewers, WebhookOutbox outbox, ShopConfig config, Clock clock) {
        this.jdbi = jdbi;
        this.viewers = viewers;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void onViewerCountChanged(String streamId) {
        if (config.viewerMilestones().isEmpty()
                || sent.contains(streamId + "|" + config.viewerMilestones().get(config.viewerMilestones().size() - 1))) {
            return;
        }
        int current = viewers.current(streamId);
        for (int milestone : config.viewerMilestones()) {
            if (milestone > current) {
                break;
            }
            String key = streamId + "|" + milestone;
            if (sent.contains(key)) {
                continue;
            }
            try {
                reach(streamId, milestone, current);
            } catch (RuntimeException e) {
                LOG.warn("viewer milestone {} of stream {} not recorded: {}", milestone, streamId, e.toString());
                continue;
            }
            sent.add(key);
        }
    }

    private void reach(String streamId, int milestone, int current) {
        long now = clock.millis();
        try {
            jdbi.useTransaction(h -> {
                int inserted = h.createUpdate("INSERT INTO stream_milestones (stream_id, viewers, reached_at)"
                                + " SELECT :s, :v, :now WHERE NOT EXISTS (SELECT 1 FROM stream_milestones WHERE stream_id = :s AND viewers = :v)")
                        .bind("s", streamId).bind("v", milestone).bind("now", now).execute();
                if (inserted == 1) {
                    outbox.append(h, WebhookEventType.VIEWER_MILESTONE,
                            Map.of("streamId", streamId, "viewers", milestone, "currentViewers", current), now);
                    LOG.info("stream {} reached {} concurrent viewers", streamId, milestone);
                }
            });
        } catch (UnableToExecuteStatementException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            // another node recorded it at the same moment: its webhook is the one
        }
    }
}
