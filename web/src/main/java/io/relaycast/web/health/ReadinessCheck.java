package io.relaycast.web.health;

/** One component's answer to "can you serve?". {@code essential} failures make the node not ready. */
public interface ReadinessCheck {
    String name();

    boolean essential();

    Result check();

    record Result(boolean ok, String detail) {
    }
}
