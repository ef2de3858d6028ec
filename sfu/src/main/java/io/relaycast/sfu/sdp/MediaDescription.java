package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.MediaDirection;
import io.relaycast.sfu.media.MediaKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One media section: its {@code m=} line and the lines after it up to the next {@code m=} (RFC 8866 section 5.14).
 * Typed accessors parse the attributes WebRTC uses; the parser has already validated them, so on a parsed
 * description they do not fail.
 */
public final class MediaDescription extends SdpSection {

    private final MediaLine mediaLine;

    public MediaDescription(MediaLine mediaLine) {
        this.mediaLine = Objects.requireNonNull(mediaLine, "mediaLine");
    }

    public MediaLine mediaLine() {
        return mediaLine;
    }

    /** Our kind for this section, or empty for anything but audio and video (e.g. a data channel). */
    public Optional<MediaKind> kind() {
        return MediaKind.fromMedia(mediaLine.media());
    }

    /**
     * Port 0 without a=bundle-only means the section is rejected or disabled (RFC 3264 section 6, RFC 8829
     * section 5.3.1). With a=bundle-only, port 0 asks for the section to be used only inside BUNDLE (RFC 8843
     * section 6), which Firefox does for every section after the first under {@code bundlePolicy: "max-bundle"}.
     */
    public boolean isRejected() {
        return mediaLine.port() == 0 && !isBundleOnly();
    }

    public boolean isBundleOnly() {
        return hasAttribute("bundle-only");
    }

    /** The a=mid identification tag (RFC 5888 section 4), which BUNDLE and the mid header extension rely on. */
    public Optional<String> mid() {
        return attribute("mid");
    }

    /** This section's direction, falling back to the session level and then to the sendrecv default (RFC 8866 6.7). */
    public MediaDirection direction(SessionDescription session) {
        return explicitDirection().or(session::explicitDirection).orElse(MediaDirection.SENDRECV);
    }

    public List<RtpMap> rtpMaps() throws SdpException {
        List<RtpMap> maps = new ArrayList<>();
        for (String value : attributes("rtpmap")) {
            maps.add(RtpMap.parse(value));
        }
        return maps;
    }

    public Optional<RtpMap> rtpMap(int payloadType) throws SdpException {
        for (RtpMap map : rtpMaps()) {
            if (map.payloadType() == payloadType) {
                return Optional.of(map);
            }
        }
        return Optional.empty();
    }

    public Optional<FormatParameters> formatParameters(int payloadType) throws SdpException {
        for (String value : attributes("fmtp")) {
            FormatParameters fmtp = FormatParameters.parse(value);
            if (fmtp.payloadType() == payloadType) {
                return Optional.of(fmtp);
            }
        }
        return Optional.empty();
    }

    public List<FormatParameters> allFormatParameters() throws SdpException {
        List<FormatParameters> all = new ArrayList<>();
        for (String value : attributes("fmtp")) {
            all.add(FormatParameters.parse(value));
        }
        return all;
    }

    public List<RtcpFeedback> rtcpFeedback() throws SdpException {
        List<RtcpFeedback> feedback = new ArrayList<>();
        for (String value : attributes("rtcp-fb")) {
            feedback.add(RtcpFeedback.parse(value));
        }
        return feedback;
    }

    public List<ExtMap> extMaps() throws SdpException {
        List<ExtMap> maps = new ArrayList<>();
        for (String value : attributes("extmap")) {
            maps.add(ExtMapAttribute.parse(value));
        }
        return maps;
    }

    public List<SsrcAttribute> ssrcAttributes() throws SdpException {
        List<SsrcAttribute> ssrcs = new ArrayList<>();
        for (String value : attributes("ssrc")) {
            ssrcs.add(SsrcAttribute.parse(value));
        }
        return ssrcs;
    }

    public List<SsrcGroup> ssrcGroups() throws SdpException {
        List<SsrcGroup> groups = new ArrayList<>();
        for (String value : attributes("ssrc-group")) {
            groups.add(SsrcGroup.parse(value));
        }
        return groups;
    }

    public List<Rid> rids() throws SdpException {
        List<Rid> rids = new ArrayList<>();
        for (String value : attributes("rid")) {
            rids.add(Rid.parse(value));
        }
        return rids;
    }

    public Optional<Simulcast> simulcast() throws SdpException {
        Optional<String> value = attribute("simulcast");
        return value.isPresent() ? Optional.of(Simulcast.parse(value.get())) : Optional.empty();
    }

    /** The a=msid value (RFC 8830 section 2): stream id and, usually, track id; empty when absent or malformed. */
    public Optional<Msid> msid() throws SdpException {
        Optional<String> value = attribute("msid");
        return value.isPresent() ? Msid.tryParse(value.get()) : Optional.empty();
    }

    void appendWithMediaLine(StringBuilder out) {
        out.append("m=").append(mediaLine).append("\r\n");
        appendTo(out);
    }
}
