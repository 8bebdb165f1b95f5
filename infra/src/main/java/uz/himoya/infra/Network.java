package uz.himoya.infra;

import java.util.ArrayList;
import java.util.List;

import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.services.ec2.IInterfaceVpcEndpointService;
import software.amazon.awscdk.services.ec2.IPeer;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SecurityGroupImportOptions;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.constructs.Construct;

/**
 * By default a VPC without any route to the internet: the database and the functions live in
 * isolated subnets, and the few AWS services the functions call are reached through interface
 * endpoints. No NAT gateway means no data can leave except through those endpoints (and no NAT bill).
 *
 * <p>With {@code vpcId} the same pieces go into the operator's existing VPC instead, typically the
 * one the app databases live in; what that VPC routes where is then the operator's decision.
 * Either way the functions' own security group opens outbound connections one rule at a time: to
 * the endpoints, to the database proxy, and to the app store ports of {@code appStoreNetworks}.
 */
public final class Network extends Construct {

    /** SES SMTP with STARTTLS; the endpoint's default port is 443, which SMTP does not use. */
    public static final int SMTP_SUBMISSION_PORT = 587;

    private final IVpc vpc;
    private final SubnetSelection privateSubnets;
    private final SecurityGroup functionSecurityGroup;
    private final List<ISecurityGroup> extraSecurityGroups = new ArrayList<>();

    public Network(Construct scope, String id, HimoyaSettings settings) {
        super(scope, id);
        NetworkSettings network = settings.network();
        if (network.existingVpc()) {
            // Imported from ids rather than looked up, so synthesis needs no AWS account and the
            // template does not change with whatever else lives in that VPC.
            vpc = Vpc.fromVpcAttributes(this, "Vpc", VpcAttributes.builder()
                    .vpcId(network.vpcId())
                    .availabilityZones(network.availabilityZones())
                    .privateSubnetIds(network.privateSubnetIds())
                    .build());
            privateSubnets = SubnetSelection.builder().subnets(vpc.getPrivateSubnets()).build();
            // CDK warns that imported subnets lack route table ids; only routes would need them, and
            // Himoya adds none to a VPC it does not own.
            vpc.getPrivateSubnets().forEach(subnet -> Annotations.of(subnet).acknowledgeWarning(
                    "@aws-cdk/aws-ec2:noSubnetRouteTableId", "the stack adds no routes to an existing VPC"));
        } else {
            Vpc.Builder ownVpc = Vpc.Builder.create(this, "Vpc")
                    .maxAzs(2)
                    .natGateways(0)
                    .subnetConfiguration(List.of(SubnetConfiguration.builder()
                            .name("isolated")
                            .subnetType(SubnetType.PRIVATE_ISOLATED)
                            .cidrMask(24)
                            .build()));
            if (network.vpcCidr() != null) {
                // Only when asked: peering needs ranges that do not overlap, and a changed range
                // replaces the VPC and everything in it.
                ownVpc.ipAddresses(IpAddresses.cidr(network.vpcCidr()));
            }
            vpc = ownVpc.build();
            privateSubnets = SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build();
        }

        // Outbound is opened rule by rule below (endpoints, app stores) and by the database proxy.
        functionSecurityGroup = SecurityGroup.Builder.create(this, "FunctionSecurityGroup")
                .vpc(vpc)
                .description("Himoya functions")
                .allowAllOutbound(false)
                .build();
        for (String groupId : network.extraSecurityGroupIds()) {
            // Not ours: mutable=false keeps the stack from adding rules to a group others manage.
            extraSecurityGroups.add(SecurityGroup.fromSecurityGroupId(this, "Extra-" + groupId, groupId,
                    SecurityGroupImportOptions.builder().mutable(false).build()));
        }

        endpoint("Sqs", InterfaceVpcEndpointAwsService.SQS).getConnections()
                .allowDefaultPortFrom(functionSecurityGroup, "Functions send SQS messages");
        endpoint("SecretsManager", InterfaceVpcEndpointAwsService.SECRETS_MANAGER).getConnections()
                .allowDefaultPortFrom(functionSecurityGroup, "Functions read their secrets");
        endpoint("SesSmtp", InterfaceVpcEndpointAwsService.EMAIL_SMTP).getConnections()
                .allowFrom(functionSecurityGroup, Port.tcp(SMTP_SUBMISSION_PORT), "Functions send mail");

        // Egress only: the store's side (its security group or network ACL accepting Himoya) belongs
        // to the app's team, see README "Reach the app stores".
        for (String destination : network.appStoreNetworks()) {
            IPeer peer = destination.startsWith("sg-") ? Peer.securityGroupId(destination) : Peer.ipv4(destination);
            for (int port : network.appStorePorts()) {
                functionSecurityGroup.addEgressRule(peer, Port.tcp(port), "Functions reach app stores in " + destination);
            }
        }
    }

    private InterfaceVpcEndpoint endpoint(String id, IInterfaceVpcEndpointService service) {
        // open=false: only the function security group may use the endpoint, not the whole VPC.
        return vpc.addInterfaceEndpoint(id, InterfaceVpcEndpointOptions.builder()
                .service(service)
                .subnets(privateSubnets())
                .privateDnsEnabled(true)
                .open(false)
                .build());
    }

    public IVpc vpc() {
        return vpc;
    }

    /** Himoya's own group: what the functions may connect to, and what the proxy accepts. */
    public SecurityGroup functionSecurityGroup() {
        return functionSecurityGroup;
    }

    /** Every group a function is in: Himoya's own first, then the operator's extra ones. */
    public List<ISecurityGroup> functionSecurityGroups() {
        List<ISecurityGroup> groups = new ArrayList<>();
        groups.add(functionSecurityGroup);
        groups.addAll(extraSecurityGroups);
        return groups;
    }

    /** The subnets of functions, database, proxy and endpoints: the isolated ones, or the given ones. */
    public SubnetSelection privateSubnets() {
        return privateSubnets;
    }
}
