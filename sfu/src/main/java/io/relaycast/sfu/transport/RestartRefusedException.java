package io.relaycast.sfu.transport;

/** A refused restart request, with the reason signaling reports. */
public final class RestartRefusedException extends Exception {
    private final RestartRefusal refusal;

    RestartRefusedException(RestartRefusal refusal, String message) {
        super(message, null, false, false);
        this.refusal = refusal;
    }

    public RestartRefusal refusal() {
        return refusal;
    }
}
