/**
 * RTCP wire format: compound packets and the common header (RFC 3550 section 6.4), sender and receiver reports,
 * SDES and BYE (RFC 3550 sections 6.4-6.6), the RFC 4585 feedback messages an SFU relies on (generic NACK, PLI),
 * FIR (RFC 5104), REMB (draft-alvestrand-rmcat-remb) and the header of transport-cc feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions). Readers are reusable flyweights over the caller's buffer;
 * writers fill a caller-provided buffer and return the length written, or -1 when it does not fit.
 */
package io.relaycast.sfu.rtcp;
