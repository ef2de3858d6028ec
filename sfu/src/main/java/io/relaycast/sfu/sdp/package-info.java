/**
 * The SFU's SDP layer: a small RFC 8866 parser and serializer, the answer to a broadcaster's offer, the offer to
 * each viewer and the check of its answer, and ICE candidate and trickle handling (RFC 8839, RFC 8840). What it
 * negotiates is described in the media model ({@code io.relaycast.sfu.media}: kinds, codecs, tracks, SSRCs), which
 * knows nothing of SDP. {@link io.relaycast.sfu.sdp.IceCandidate} is the SFU's one candidate type (the ICE layer
 * parses trickled lines with it too).
 *
 * <p>Entry points: {@link io.relaycast.sfu.sdp.SdpParser}, {@link io.relaycast.sfu.sdp.PublisherAnswerBuilder},
 * {@link io.relaycast.sfu.sdp.SubscriberOfferBuilder}, {@link io.relaycast.sfu.sdp.SubscriberAnswerReader},
 * {@link io.relaycast.sfu.sdp.IceCandidate}, {@link io.relaycast.sfu.sdp.TrickleCandidate} and
 * {@link io.relaycast.sfu.sdp.TrickleIceFragment}. Every refusal is a checked
 * {@link io.relaycast.sfu.sdp.SdpException} with a stable {@link io.relaycast.sfu.sdp.SdpErrorCode}.
 *
 * <p>Choices worth knowing:
 * <ul>
 *   <li>Parsed descriptions keep every line in order, so parse then serialize is byte-exact apart from line endings
 *       (always CRLF out, CRLF or LF in) and dropped empty lines.</li>
 *   <li>One payload type per codec (Opus, VP8, VP9 profile 0, H.264 packetization-mode 1 preferring the configured
 *       profile-level-id) with its RTX, in the offerer's order and with the offerer's numbers, so forwarding never
 *       rewrites payload types and every viewer can be offered exactly what the publisher may send.</li>
 *   <li>DTLS: toward publishers we answer {@code passive} (DTLS server) to actpass/active, and {@code active} to an
 *       offer that is itself passive (ffmpeg's WHIP muxer: we are the DTLS client then);
 *       {@link io.relaycast.sfu.sdp.PublisherAnswer#localSetup()} says which. Toward viewers we offer actpass and
 *       require {@code active}: always the DTLS server there.</li>
 *   <li>ICE and DTLS attributes are written in every bundled section, candidates only in the tagged one.</li>
 *   <li>A broadcast is one audio and one video track: a second sending section of a kind is refused
 *       ({@code TOO_MANY_TRACKS}); a section without a common codec is answered with port 0 as long as another
 *       section is usable.</li>
 * </ul>
 */
package io.relaycast.sfu.sdp;
