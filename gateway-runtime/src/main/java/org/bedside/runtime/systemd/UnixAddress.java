package org.bedside.runtime.systemd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code struct sockaddr_un}: the family (a native-order short) and the path. A name starting with {@code @} is in
 * the abstract namespace (a leading NUL, no terminator), as systemd writes it in {@code NOTIFY_SOCKET}.
 */
record UnixAddress(byte[] bytes, int length) {
    /** {@code sun_path} is 108 bytes on Linux. */
    private static final int PATH_MAX = 108;

    static UnixAddress of(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an empty AF_UNIX socket name");
        }
        boolean abstractName = name.charAt(0) == '@';
        byte[] path = (abstractName ? name.substring(1) : name).getBytes(StandardCharsets.UTF_8);
        // An abstract name takes its leading NUL; a path its terminating NUL.
        if (path.length + 1 > PATH_MAX) {
            throw new IllegalArgumentException("the AF_UNIX socket name is longer than " + (PATH_MAX - 1) + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(2 + PATH_MAX).order(ByteOrder.nativeOrder());
        b.putShort((short) LibC.AF_UNIX);
        if (abstractName) {
            b.put((byte) 0);
        }
        b.put(path);
        return new UnixAddress(b.array(), 2 + 1 + path.length);
    }
}
