/**
 * The media model: what a broadcast carries, independent of how it was negotiated. Kinds ({@link
 * io.relaycast.sfu.media.MediaKind}, {@link io.relaycast.sfu.media.MediaDirection}), the codecs the SFU forwards
 * ({@link io.relaycast.sfu.media.ForwardedCodec}, as agreed with a publisher: {@link
 * io.relaycast.sfu.media.NegotiatedCodec}, with a viewer: {@link io.relaycast.sfu.media.ViewerCodec}), header
 * extension ids ({@link io.relaycast.sfu.media.ExtMap}, RFC 8285), a publisher's tracks ({@link
 * io.relaycast.sfu.media.PublishedTrack}, {@link io.relaycast.sfu.media.PublishedTracks}, {@link
 * io.relaycast.sfu.media.StreamSsrcs}) and what a viewer receives of them ({@link
 * io.relaycast.sfu.media.ViewerTrack}, {@link io.relaycast.sfu.media.ViewerSsrcs}).
 *
 * <p>The SDP layer ({@code io.relaycast.sfu.sdp}) reads and writes these; rooms, taps and ingest use them without
 * depending on SDP. This package depends on nothing of ours.
 */
package io.relaycast.sfu.media;
