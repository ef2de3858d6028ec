package io.relaycast.web.api;

/** Absolute URLs we hand to clients, built from {@code http.public-url} (or localhost and the bound port). */
public final class Urls {
    private final String base;

    public Urls(String base) {
        this.base = base.replaceAll("/+$", "");
    }

    /** The RTMP ingest port once the server is bound; 0 while RTMP is off. */
    private volatile int rtmpPort;

    public void rtmpPort(int port) {
        this.rtmpPort = port;
    }

    /** OBS's "server" field: {@code rtmp://{public host}:{port}/live} (the key goes in "stream key"); null when off. */
    public String rtmp() {
        int port = rtmpPort;
        if (port <= 0) {
            return null;
        }
        return "rtmp://" + java.net.URI.create(base).getHost() + ":" + port + "/live";
    }

    public String base() {
        return base;
    }

    public String whip(String streamId) {
        return base + "/whip/" + streamId;
    }

    public String whep(String streamId) {
        return base + "/whep/" + streamId;
    }

    public String hls(String streamId) {
        return base + "/hls/" + streamId + "/master.m3u8";
    }

    public String watch(String streamId) {
        return base + "/watch/" + streamId;
    }

    public String vod(String recordingId, String fileName) {
        return base + "/vod/" + recordingId + "/" + fileName;
    }
}
