package io.relaycast.sfu.api;

/**
 * What the SFU measures of the media it sends one viewer (audio and video together) and what the viewer reports
 * back in its RTCP receiver reports (RFC 3550 section 6.4.2).
 *
 * @param receiving              the viewer's transport is up and media went out to it in the last seconds
 * @param bitrateBps             RTP bit/s sent over the last second (retransmissions included)
 * @param packetsPerSecond       RTP packets/s sent over the last second
 * @param lossPercent            the viewer's latest reported fraction lost (worst of audio and video), in
 *                               percent; null before its first receiver report
 * @param packetsLost            the viewer's reported cumulative loss, audio plus video
 * @param jitterMs               the viewer's reported jitter (worst of audio and video) in ms; null before a report
 * @param rttMs                  round trip from its receiver reports' LSR/DLSR (RFC 3550 section 6.4.1) in ms,
 *                               the newest of audio and video; null before one named a sender report of ours
 * @param nacksReceived          generic NACK packets from the viewer
 * @param retransmissionsSent    packets resent to it (RTX or byte-for-byte)
 * @param keyframeRequestsReceived PLI and FIR from the viewer
 * @param layer                  the simulcast layer it receives (0 lowest, -1 none yet or not simulcast)
 * @param targetLayer            the layer it is to move to on that layer's next keyframe
 */
public record ViewerStats(String peerId, boolean receiving, long bitrateBps, double packetsPerSecond,
                          Double lossPercent, long packetsLost, Double jitterMs, Double rttMs, long nacksReceived,
                          long retransmissionsSent, long keyframeRequestsReceived, int layer, int targetLayer) {
}
