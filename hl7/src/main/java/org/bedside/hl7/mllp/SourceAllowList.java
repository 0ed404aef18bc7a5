package org.bedside.hl7.mllp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which addresses may connect: a list of addresses and CIDR ranges ({@code 10.1.20.0/24}, {@code 192.0.2.7},
 * {@code ::1}), or {@link #any()}. A connection from elsewhere is closed before a byte is read (and before a TLS
 * handshake), and counted as {@code source_refused}.
 */
public final class SourceAllowList {
    private record Range(byte[] network, int prefixLength, String text) {}

    private final List<Range> ranges;
    private final boolean any;

    private SourceAllowList(List<Range> ranges, boolean any) {
        this.ranges = List.copyOf(ranges);
        this.any = any;
    }

    /** Every address may connect (a listener on loopback, or behind a firewall that filters). */
    public static SourceAllowList any() {
        return new SourceAllowList(List.of(), true);
    }

    /**
     * @param entries addresses or CIDR ranges, as literals (host names are not resolved: the list must not depend on
     *     DNS)
     * @throws IllegalArgumentException naming the entry that is not an address or range
     */
    public static SourceAllowList of(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            ranges.add(parse(entry.strip()));
        }
        return new SourceAllowList(ranges, false);
    }

    private static Range parse(String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry : entry.substring(0, slash);
        if (!address.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw new IllegalArgumentException("allow-list entry '" + entry + "' is not an IP address or CIDR range");
        }
        byte[] network;
        try {
            network = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("allow-list entry '" + entry + "' is not an IP address or CIDR range");
        }
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException(
                        "allow-list entry '" + entry + "' has a prefix length outside 0.." + bits);
            }
        }
        return new Range(network, prefix, entry);
    }

    public boolean allows(InetAddress address) {
        if (any) {
            return true;
        }
        byte[] a = address.getAddress();
        for (Range r : ranges) {
            if (r.network.length == a.length && matches(r, a)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Range r, byte[] a) {
        int full = r.prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (r.network[i] != a[i]) {
                return false;
            }
        }
        int rest = r.prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (r.network[full] & mask) == (a[full] & mask);
    }

    @Override
    public String toString() {
        return any ? "any" : ranges.stream().map(Range::text).toList().toString();
    }
}
