package io.relaycast.sfu.api;

import java.util.List;

/** The SFU's measurements of one stream on this node: its publisher (null while none) and every viewer. */
public record StreamStats(String streamId, PublisherStats publisher, List<ViewerStats> viewers) {
}
