package org.bedside.drivers.nonin;

/**
 * Where the bytes of a frame are in each data format (protocols.md 4.2). A frame is five bytes; 25 frames make a
 * packet, the first with the status byte's SYNC bit set; the last byte of a frame is the sum of the four before it,
 * mod 256.
 *
 * <pre>
 * DF13: status │ pleth MSB │ pleth LSB │ data │ checksum      (16-bit pleth)
 * DF2:  0x01   │ status    │ pleth     │ data │ checksum      (8-bit pleth)
 * </pre>
 */
enum NoninFormat {
    DF13(-1, 0, 1, 2, 3),
    DF2(0, 1, 2, -1, 3);

    static final int FRAME_LENGTH = 5;
    static final int FRAMES_PER_PACKET = 25;
    static final int PACKET_LENGTH = FRAME_LENGTH * FRAMES_PER_PACKET;
    static final int CHECKSUM = 4;
    /** DF2 frames begin with this byte. */
    static final int DF2_START = 0x01;

    /** Offset of the constant start byte, or -1. */
    final int start;

    final int status;
    /** Offset of the pleth byte (DF2) or of its most significant byte (DF13). */
    final int pleth;
    /** Offset of the pleth's least significant byte (DF13), or -1 for an 8-bit pleth. */
    final int plethLow;

    final int data;

    NoninFormat(int start, int status, int pleth, int plethLow, int data) {
        this.start = start;
        this.status = status;
        this.pleth = pleth;
        this.plethLow = plethLow;
        this.data = data;
    }

    /** Whether the five bytes at {@code at} are a frame: start byte, status bit 7, checksum. */
    boolean isFrame(byte[] b, int at) {
        if (start >= 0 && b[at + start] != DF2_START) {
            return false;
        }
        if ((b[at + status] & NoninCodes.STATUS_ALWAYS_SET) == 0) {
            return false;
        }
        int sum = (b[at] & 0xFF) + (b[at + 1] & 0xFF) + (b[at + 2] & 0xFF) + (b[at + 3] & 0xFF);
        return (sum & 0xFF) == (b[at + CHECKSUM] & 0xFF);
    }

    boolean isSync(byte[] b, int at) {
        return (b[at + status] & NoninCodes.STATUS_SYNC) != 0;
    }
}
