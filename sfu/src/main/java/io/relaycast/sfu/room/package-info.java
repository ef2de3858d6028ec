/**
 * Rooms and forwarding: one {@link io.relaycast.sfu.room.Room} per broadcast holds one
 * {@link io.relaycast.sfu.room.Publisher}, its {@link io.relaycast.sfu.room.Subscriber}s and any other
 * {@link io.relaycast.sfu.room.PacketSink} (recorder, HLS bridge, relay), and fans every forwarded packet out to
 * them in one loop over a copy-on-write array.
 *
 * <p>Packet path (all on the shared port's read thread, no hand-off): SRTP-decrypted RTP from the publisher's
 * transport → {@link io.relaycast.sfu.room.Publisher} (SSRC → track, receive statistics, layer choice) → one
 * {@link io.relaycast.sfu.room.MediaPacket} flyweight → {@link io.relaycast.sfu.room.Room#forward} → each sink. A
 * {@link io.relaycast.sfu.room.Subscriber} copies it into its own reusable buffer, rewrites SSRC, sequence number,
 * timestamp, payload type and extension ids for its viewer, encrypts and sends. Control (join, leave, answers)
 * changes the sink array under the room's monitor, which the packet path never takes.
 */
package io.relaycast.sfu.room;
