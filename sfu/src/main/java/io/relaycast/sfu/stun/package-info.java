/**
 * A STUN message reader (RFC 5389) for the shared media port: enough to reject garbage cheaply, find which ICE
 * session a connectivity check belongs to by its USERNAME (RFC 8445 section 7.2.2), and verify
 * MESSAGE-INTEGRITY and FINGERPRINT. ICE itself (checks, nomination, consent) is ice4j's job.
 */
package io.relaycast.sfu.stun;
