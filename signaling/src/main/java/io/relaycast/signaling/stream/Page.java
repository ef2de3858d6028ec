package io.relaycast.signaling.stream;

import java.util.List;

/** One page of an offset-paged listing. */
public record Page<T>(List<T> items, int limit, int offset, int total) {
}
