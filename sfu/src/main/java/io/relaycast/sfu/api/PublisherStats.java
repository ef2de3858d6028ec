package io.relaycast.sfu.api;

/**
 * What the SFU measures of one publisher's incoming media (all its sources together, RTX included in the rates).
 *
 * @param bitrateBps             RTP bit/s received over the last second (headers and payload, no SRTP/UDP/IP)
 * @param packetsPerSecond       RTP packets/s received over the last second
 * @param packetsLost            cumulative packets lost, summed over the media sources (RFC 3550 section 6.4.1;
 *                               before retransmission repairs them)
 * @param lossPercent            the worst media source's fraction lost in the last report interval, in percent
 * @param jitterMs               the worst media source's interarrival jitter (RFC 3550 section 6.4.1), in ms
 * @param rttMs                  round-trip time to the publisher in ms, from its DLRR answer to our receiver
 *                               reference time (RFC 3611 sections 4.4 and 4.5); null before one (a sendonly
 *                               publisher gets no SR of ours, so its RRs carry no LSR to use)
 * @param nacksSent              generic NACKs sent to the publisher (RFC 4585 section 6.2.1)
 * @param retransmissionsReceived RTX packets from the publisher that repaired a loss
 * @param keyframeRequestsSent   PLI or FIR packets sent to the publisher
 */
public record PublisherStats(String peerId, long bitrateBps, double packetsPerSecond, long packetsLost,
                             double lossPercent, double jitterMs, Double rttMs, long nacksSent,
                             long retransmissionsReceived, long keyframeRequestsSent) {
}
