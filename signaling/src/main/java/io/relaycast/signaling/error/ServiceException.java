package io.relaycast.signaling.error;

/**
 * A refusal of the control plane, carrying the contract's error code. The REST edge renders it as
 * {@code {"error":{"code","message"}}} and the Socket.IO gateway as {@code stream:error}.
 */
public class ServiceException extends RuntimeException {
    private final ErrorCode code;
    private final String wireCode;

    public ServiceException(ErrorCode code, String message) {
        this(code, code.name(), message);
    }

    /**
     * @param code     decides the HTTP status
     * @param wireCode the code clients see, when a more precise one exists (e.g. the media plane's SDP_MALFORMED)
     */
    public ServiceException(ErrorCode code, String wireCode, String message) {
        super(message, null, false, false);
        this.code = code;
        this.wireCode = wireCode;
    }

    public ErrorCode code() {
        return code;
    }

    public String wireCode() {
        return wireCode;
    }

    public static ServiceException invalid(String message) {
        return new ServiceException(ErrorCode.VALIDATION_FAILED, message);
    }

    public static ServiceException notFound(ErrorCode code, String what, String id) {
        return new ServiceException(code, what + " '" + id + "' does not exist");
    }
}
