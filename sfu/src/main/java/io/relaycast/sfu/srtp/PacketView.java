package io.relaycast.sfu.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * A reusable, mutable window onto a caller's packet buffer, in the shape jitsi-srtp's crypto contexts expect.
 *
 * <p>One instance per direction is re-pointed at each packet, so the per-packet path allocates nothing.
 * jitsi-srtp grows a packet by calling {@link #grow(int)} / {@link #append(byte[], int)}; {@link SrtpSession}
 * checks the free room beforehand, so those never need to reallocate. If they ever would, the view refuses
 * rather than silently switching to a buffer the caller never sees.
 */
final class PacketView implements ByteArrayBuffer {
    private byte[] buffer;
    private int offset;
    private int length;

    PacketView wrap(byte[] buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Drops the reference to the caller's buffer once a call is done. */
    void release() {
        buffer = null;
        offset = 0;
        length = 0;
    }

    @Override
    public byte[] getBuffer() {
        return buffer;
    }

    @Override
    public int getOffset() {
        return offset;
    }

    @Override
    public int getLength() {
        return length;
    }

    @Override
    public void setLength(int length) {
        this.length = length;
    }

    @Override
    public void setOffset(int offset) {
        this.offset = offset;
    }

    @Override
    public boolean isInvalid() {
        return false;
    }

    @Override
    public void readRegionToBuff(int regionOffset, int regionLength, byte[] out) {
        System.arraycopy(buffer, offset + regionOffset, out, 0, regionLength);
    }

    @Override
    public void grow(int howMuch) {
        if (buffer.length - offset - length < howMuch) {
            throw new IllegalStateException("no room reserved after the packet");
        }
    }

    @Override
    public void append(byte[] data, int dataLength) {
        grow(dataLength);
        System.arraycopy(data, 0, buffer, offset + length, dataLength);
        length += dataLength;
    }

    @Override
    public void shrink(int howMuch) {
        length = howMuch >= length ? 0 : length - howMuch;
    }
}
