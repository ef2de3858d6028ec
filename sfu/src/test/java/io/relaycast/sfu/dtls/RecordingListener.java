package io.relaycast.sfu.dtls;

import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every {@link DtlsSession.Listener} event for assertions. */
final class RecordingListener implements DtlsSession.Listener {
    final List<SrtpKeyingMaterial> completed = new CopyOnWriteArrayList<>();
    final List<DtlsHandshakeException> failed = new CopyOnWriteArrayList<>();
    final List<DtlsSession.CloseCause> closed = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream applicationData = new ByteArrayOutputStream();

    @Override
    public void onHandshakeComplete(SrtpKeyingMaterial keys) {
        completed.add(keys);
    }

    @Override
    public void onHandshakeFailed(DtlsHandshakeException error) {
        failed.add(error);
    }

    @Override
    public void onApplicationData(byte[] buf, int off, int len) {
        synchronized (applicationData) {
            applicationData.write(buf, off, len);
        }
    }

    @Override
    public void onClosed(DtlsSession.CloseCause cause) {
        closed.add(cause);
    }

    String applicationDataText() {
        synchronized (applicationData) {
            return applicationData.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
