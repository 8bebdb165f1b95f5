package uz.himoya.infra;

import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the functions and Himoya's own database run, and where they may connect to reach app
 * stores. Without {@code vpcId} the stack creates its own VPC (the default); with it, everything
 * goes into the operator's existing VPC, imported from these ids so that synthesis stays offline.
 *
 * @param vpcId                 existing VPC, or {@code null} to create one
 * @param availabilityZones     zones of the existing VPC's subnets, in the order of {@code privateSubnetIds}
 * @param privateSubnetIds      subnets of the existing VPC for functions, database, proxy and endpoints
 * @param extraSecurityGroupIds security groups of the existing VPC also attached to every function,
 *                              e.g. one that the app databases already accept connections from
 * @param vpcCidr               address range of the VPC the stack creates, or {@code null} for the
 *                              CDK default 10.0.0.0/16; peering needs ranges that do not overlap
 * @param appStoreNetworks      where app stores are: security group ids and/or IPv4 CIDR blocks
 * @param appStorePorts         ports the functions may connect to in {@code appStoreNetworks}
 */
public record NetworkSettings(
        String vpcId,
        List<String> availabilityZones,
        List<String> privateSubnetIds,
        List<String> extraSecurityGroupIds,
        String vpcCidr,
        List<String> appStoreNetworks,
        List<Integer> appStorePorts) {

    /** PostgreSQL and MySQL/MariaDB, the engines core speaks to. */
    public static final List<Integer> DEFAULT_APP_STORE_PORTS = List.of(5432, 3306);

    private static final Pattern VPC_ID = Pattern.compile("vpc-[0-9a-f]{8,17}");
    private static final Pattern SUBNET_ID = Pattern.compile("subnet-[0-9a-f]{8,17}");
    private static final Pattern SECURITY_GROUP_ID = Pattern.compile("sg-[0-9a-f]{8,17}");
    private static final Pattern ZONE = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+[a-z]");
    private static final Pattern CIDR = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)/(3[0-2]|[12]?\\d)");
    // Aurora and the RDS Proxy both need subnets in at least two zones.
    private static final int MIN_ZONES = 2;

    public NetworkSettings {
        availabilityZones = List.copyOf(availabilityZones);
        privateSubnetIds = List.copyOf(privateSubnetIds);
        extraSecurityGroupIds = List.copyOf(extraSecurityGroupIds);
        appStoreNetworks = List.copyOf(appStoreNetworks);
        appStorePorts = List.copyOf(appStorePorts);

        if (vpcId == null) {
            // These only make sense inside an existing VPC; silently ignoring them would put the
            // functions somewhere the operator did not intend.
            require(availabilityZones.isEmpty(), "availabilityZones needs vpcId (they describe an existing VPC)");
            require(privateSubnetIds.isEmpty(), "privateSubnetIds needs vpcId (they describe an existing VPC)");
            require(extraSecurityGroupIds.isEmpty(),
                    "extraSecurityGroupIds needs vpcId (a security group belongs to one VPC)");
        } else {
            require(VPC_ID.matcher(vpcId).matches(), "vpcId must look like vpc-0abc…, was '" + vpcId + "'");
            require(vpcCidr == null, "vpcCidr is for the VPC the stack creates; with vpcId the VPC exists already");
            require(availabilityZones.size() >= MIN_ZONES, "availabilityZones must name at least "
                    + MIN_ZONES + " zones with vpcId (Aurora and the RDS Proxy need two), was " + availabilityZones);
            availabilityZones.forEach(zone -> require(ZONE.matcher(zone).matches(),
                    "availabilityZones must be zone names like eu-central-1a, was '" + zone + "'"));
            distinct("availabilityZones", availabilityZones);
            require(!privateSubnetIds.isEmpty() && privateSubnetIds.size() % availabilityZones.size() == 0,
                    "privateSubnetIds must list one subnet per zone of availabilityZones, in the same order"
                            + " (or two per zone: zone1, zone2, zone1, zone2), was " + privateSubnetIds);
            privateSubnetIds.forEach(subnet -> require(SUBNET_ID.matcher(subnet).matches(),
                    "privateSubnetIds must look like subnet-0abc…, was '" + subnet + "'"));
            distinct("privateSubnetIds", privateSubnetIds);
            extraSecurityGroupIds.forEach(group -> require(SECURITY_GROUP_ID.matcher(group).matches(),
                    "extraSecurityGroupIds must look like sg-0abc…, was '" + group + "'"));
            distinct("extraSecurityGroupIds", extraSecurityGroupIds);
        }
        if (vpcCidr != null) {
            require(CIDR.matcher(vpcCidr).matches() && prefix(vpcCidr) >= 16 && prefix(vpcCidr) <= 23,
                    "vpcCidr must be an IPv4 block from /16 to /23 (room for two /24 subnets), was '" + vpcCidr + "'");
        }
        for (String network : appStoreNetworks) {
            require(SECURITY_GROUP_ID.matcher(network).matches() || CIDR.matcher(network).matches(),
                    "appStoreNetworks must be security group ids (sg-…) or IPv4 CIDR blocks, was '" + network + "'");
            // Store ports open to the whole internet are never what "where the stores are" means.
            require(!network.contains("/") || prefix(network) > 0,
                    "appStoreNetworks must not contain " + network + ": name the app's VPC or subnet ranges");
        }
        distinct("appStoreNetworks", appStoreNetworks);
        require(!appStorePorts.isEmpty(), "appStorePorts must name at least one port");
        appStorePorts.forEach(port -> require(port >= 1 && port <= 65535,
                "appStorePorts must be 1..65535, was " + port));
        distinct("appStorePorts", appStorePorts);
    }

    /** The default: a VPC of the stack's own, no way to any app store. */
    public static NetworkSettings defaults() {
        return new NetworkSettings(null, List.of(), List.of(), List.of(), null, List.of(), DEFAULT_APP_STORE_PORTS);
    }

    /** True when the functions go into the operator's VPC instead of one the stack creates. */
    public boolean existingVpc() {
        return vpcId != null;
    }

    /** Checks what depends on the stack's region, which this record does not know. */
    void checkRegion(String region) {
        availabilityZones.forEach(zone -> require(zone.startsWith(region) && zone.length() == region.length() + 1,
                "availabilityZones must lie in region " + region + ", was '" + zone + "'"));
    }

    private static int prefix(String cidr) {
        return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    }

    private static void distinct(String key, List<?> values) {
        var seen = new HashSet<>();
        values.forEach(value -> require(seen.add(value), key + " names " + value + " twice"));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
