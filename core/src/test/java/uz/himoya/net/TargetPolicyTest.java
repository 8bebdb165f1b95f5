package uz.himoya.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uz.himoya.net.TargetPolicy.Range;

class TargetPolicyTest {

    @ParameterizedTest
    @CsvSource({
            "93.184.216.34, PUBLIC", "8.8.8.8, PUBLIC", "192.0.2.2, PUBLIC", "2606:4700::1111, PUBLIC",
            "172.15.255.255, PUBLIC", "172.32.0.1, PUBLIC", "100.63.255.255, PUBLIC", "100.128.0.1, PUBLIC",
            "10.0.0.1, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.1.1, PRIVATE",
            "100.64.0.1, PRIVATE", "100.127.255.255, PRIVATE", "fd00::2, PRIVATE", "fc00::1, PRIVATE",
            "fec0::1, PRIVATE",
            "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK", "::1, LOOPBACK",
            "0.0.0.0, NEVER", "0.1.2.3, NEVER", "::, NEVER", "169.254.169.254, NEVER", "fe80::1, NEVER",
            "fd00:ec2::254, NEVER", "224.0.0.1, NEVER", "239.255.255.250, NEVER", "ff02::1, NEVER",
            "240.0.0.1, NEVER", "255.255.255.255, NEVER",
            // IPv6 spellings of IPv4 addresses are judged by the IPv4 address inside.
            "::ffff:10.0.0.1, PRIVATE", "::ffff:127.0.0.1, LOOPBACK", "::ffff:169.254.169.254, NEVER",
            "::10.0.0.1, PRIVATE", "::169.254.169.254, NEVER", "64:ff9b::a00:1, PRIVATE",
            "64:ff9b::a9fe:a9fe, NEVER", "64:ff9b::808:808, PUBLIC", "2002:a00:1::, PRIVATE",
            "2002:7f00:1::, LOOPBACK", "2002:808:808::, PUBLIC" })
    void shouldPlaceTheAddressInItsRange(String literal, Range expected) throws UnknownHostException {
        assertThat(TargetPolicy.range(InetAddress.getByName(literal))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            // address, allowPrivate, localRun, allowed
            "8.8.8.8, false, false, true", "10.0.0.1, false, false, false", "10.0.0.1, true, false, true",
            "127.0.0.1, true, false, false", "127.0.0.1, false, true, true", "10.0.0.1, false, true, false",
            "169.254.169.254, true, true, false", "fd00:ec2::254, true, true, false", "0.0.0.0, true, true, false" })
    void shouldAllowOnlyWhatTheFlagsOpen(String literal, boolean allowPrivate, boolean localRun, boolean allowed)
            throws UnknownHostException {
        assertThat(TargetPolicy.allowed(InetAddress.getByName(literal), allowPrivate, localRun)).isEqualTo(allowed);
    }
}
