/**
 * RTP wire format (RFC 3550 section 5, header extensions per RFC 8285) and the per-viewer rewriting of
 * sequence numbers, timestamps and SSRCs. Everything here runs once per forwarded packet per viewer: readers are
 * reusable flyweights over the caller's buffer, writers change bytes in place, nothing throws on bad input.
 */
package io.relaycast.sfu.rtp;
