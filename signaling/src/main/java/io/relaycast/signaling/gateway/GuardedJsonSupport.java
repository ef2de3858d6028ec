package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.AckCallback;
import com.corundumstudio.socketio.protocol.AckArgs;
import com.corundumstudio.socketio.protocol.Event;
import com.corundumstudio.socketio.protocol.JsonSupport;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;

import java.io.IOException;
import java.util.List;

/**
 * Wraps netty-socketio's JSON layer so two kinds of bad input reach our handlers instead of vanishing:
 * an event larger than {@code max-event-bytes} is not parsed at all (no CPU spent on a 10 MB string) and
 * arrives as {@link Events#OVERSIZE}; an event name we do not serve arrives as {@link Events#UNKNOWN}.
 * Both are then answered with {@code stream:error}, and the connection stays up.
 */
final class GuardedJsonSupport implements JsonSupport {
    private final JsonSupport delegate;
    private final int maxEventBytes;

    GuardedJsonSupport(JsonSupport delegate, int maxEventBytes) {
        this.delegate = delegate;
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public <T> T readValue(String namespaceName, ByteBufInputStream src, Class<T> valueType) throws IOException {
        if (valueType == Event.class) {
            int size = src.available();
            if (size > maxEventBytes) {
                src.skip(size);
                return valueType.cast(new Event(Events.OVERSIZE, List.of(size)));
            }
            T value = delegate.readValue(namespaceName, src, valueType);
            Event e = (Event) value;
            // Set.of(..).contains(null) throws: an event array whose first element is not a string has no name
            if (e != null && (e.getName() == null || !Events.CLIENT_EVENTS.contains(e.getName()))) {
                String name = e.getName() == null ? "" : e.getName();
                return valueType.cast(new Event(Events.UNKNOWN, List.of(name.length() > 64 ? name.substring(0, 64) : name)));
            }
            return value;
        }
        return delegate.readValue(namespaceName, src, valueType);
    }

    @Override
    public AckArgs readAckArgs(ByteBufInputStream src, AckCallback<?> callback) throws IOException {
        return delegate.readAckArgs(src, callback);
    }

    @Override
    public void writeValue(ByteBufOutputStream out, Object value) throws IOException {
        delegate.writeValue(out, value);
    }

    @Override
    public void addEventMapping(String namespaceName, String eventName, Class<?>... eventClass) {
        delegate.addEventMapping(namespaceName, eventName, eventClass);
    }

    @Override
    public void removeEventMapping(String namespaceName, String eventName) {
        delegate.removeEventMapping(namespaceName, eventName);
    }

    @Override
    public List<byte[]> getArrays() {
        return delegate.getArrays();
    }
}
