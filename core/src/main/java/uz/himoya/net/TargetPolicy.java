package uz.himoya.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Which addresses a webhook may be sent to. A map names a URL; without this check a map entry (or a DNS
 * answer) could make Himoya POST subjects' identifiers to a service inside its own network.
 * <ul>
 * <li>never: "this network" 0.0.0.0/8 and ::, link-local 169.254/16 and fe80::/10 (the instance metadata
 * service and its credentials live there, 169.254.169.254 and fd00:ec2::254), multicast, 240/4 and the
 * broadcast address. No VPC target has such an address, so {@code allowPrivate} does not open them;</li>
 * <li>loopback only in the local run: in Lambda, 127.0.0.1 serves the runtime API and the SnapStart
 * credentials endpoint, so a VPC flag must not reach it either;</li>
 * <li>private (10/8, 172.16/12, 192.168/16, CGNAT 100.64/10, unique-local fc00::/7, old site-local
 * fec0::/10) only with the map's {@code allowPrivate}: a target inside the VPC;</li>
 * <li>everything else is public.</li>
 * </ul>
 * IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged
 * by the IPv4 address they carry, so a private IPv4 target cannot be written as IPv6.
 *
 * <p>Its own package because two sides use it: the privacy map's reader refuses a forbidden address literal
 * in a webhook URL when the map loads (uz.himoya.privacymap.WebhookSpecs), and the webhook client checks
 * every resolved address before it connects (uz.himoya.webhook.WebhookClient).
 */
public final class TargetPolicy {
    /** Where an address belongs, for the rules above. */
    public enum Range { PUBLIC, PRIVATE, LOOPBACK, NEVER }

    private static final byte[] AWS_METADATA_V6 = v6("fd00:ec2::254");

    private TargetPolicy() {
    }

    /** Whether Himoya may connect to the address for a webhook with these flags. */
    public static boolean allowed(InetAddress a, boolean allowPrivate, boolean localRun) {
        return switch (range(a)) {
            case PUBLIC -> true;
            case PRIVATE -> allowPrivate;
            case LOOPBACK -> localRun;
            case NEVER -> false;
        };
    }

    public static Range range(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return range4(b, 0);
        }
        if (a instanceof Inet6Address) {
            return range6(b);
        }
        return Range.NEVER;
    }

    private static Range range4(byte[] b, int at) {
        int o0 = b[at] & 0xff;
        int o1 = b[at + 1] & 0xff;
        if (o0 == 0 || o0 >= 224) {
            return Range.NEVER; // this network; multicast 224/4; reserved 240/4 and broadcast
        }
        if (o0 == 127) {
            return Range.LOOPBACK;
        }
        if (o0 == 169 && o1 == 254) {
            return Range.NEVER;
        }
        if (o0 == 10 || (o0 == 172 && (o1 & 0xf0) == 16) || (o0 == 192 && o1 == 168)
                || (o0 == 100 && (o1 & 0xc0) == 64)) {
            return Range.PRIVATE;
        }
        return Range.PUBLIC;
    }

    private static Range range6(byte[] b) {
        if (Arrays.equals(b, AWS_METADATA_V6)) {
            return Range.NEVER;
        }
        if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return range4(b, 12); // ::ffff:a.b.c.d
        }
        if (zero(b, 0, 12)) {
            if (zero(b, 12, 15)) {
                int last = b[15] & 0xff;
                if (last == 0) {
                    return Range.NEVER; // ::
                }
                if (last == 1) {
                    return Range.LOOPBACK; // ::1
                }
            }
            return range4(b, 12); // ::a.b.c.d, deprecated but still routed by some stacks
        }
        int h0 = b[0] & 0xff;
        int h1 = b[1] & 0xff;
        if (h0 == 0x00 && h1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zero(b, 4, 12)) {
            return range4(b, 12); // NAT64 64:ff9b::/96
        }
        if (h0 == 0x20 && h1 == 0x02) {
            return range4(b, 2); // 6to4 2002:a.b.c.d::/48
        }
        if (h0 == 0xff || (h0 == 0xfe && (h1 & 0xc0) == 0x80)) {
            return Range.NEVER; // multicast ff00::/8, link-local fe80::/10
        }
        if ((h0 & 0xfe) == 0xfc || (h0 == 0xfe && (h1 & 0xc0) == 0xc0)) {
            return Range.PRIVATE; // unique-local fc00::/7, site-local fec0::/10
        }
        return Range.PUBLIC;
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] v6(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress(); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
