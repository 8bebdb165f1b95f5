package uz.himoya.infra;

import java.util.List;

import software.amazon.awscdk.services.ec2.IInterfaceVpcEndpointService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.constructs.Construct;

/**
 * A VPC without any route to the internet: the database and the functions live in isolated
 * subnets, and the few AWS services the functions call are reached through interface endpoints.
 * No NAT gateway means no data can leave except through those endpoints (and no NAT bill).
 */
public final class Network extends Construct {

    /** SES SMTP with STARTTLS; the endpoint's default port is 443, which SMTP does not use. */
    public static final int SMTP_SUBMISSION_PORT = 587;

    private final Vpc vpc;
    private final SecurityGroup functionSecurityGroup;

    public Network(Construct scope, String id) {
        super(scope, id);
        vpc = Vpc.Builder.create(this, "Vpc")
                .maxAzs(2)
                .natGateways(0)
                .subnetConfiguration(List.of(SubnetConfiguration.builder()
                        .name("isolated")
                        .subnetType(SubnetType.PRIVATE_ISOLATED)
                        .cidrMask(24)
                        .build()))
                .build();

        // Outbound is opened rule by rule below (endpoints) and by the database proxy.
        functionSecurityGroup = SecurityGroup.Builder.create(this, "FunctionSecurityGroup")
                .vpc(vpc)
                .description("Himoya functions")
                .allowAllOutbound(false)
                .build();

        endpoint("Sqs", InterfaceVpcEndpointAwsService.SQS).getConnections()
                .allowDefaultPortFrom(functionSecurityGroup, "Functions send SQS messages");
        endpoint("SecretsManager", InterfaceVpcEndpointAwsService.SECRETS_MANAGER).getConnections()
                .allowDefaultPortFrom(functionSecurityGroup, "Functions read their secrets");
        endpoint("SesSmtp", InterfaceVpcEndpointAwsService.EMAIL_SMTP).getConnections()
                .allowFrom(functionSecurityGroup, Port.tcp(SMTP_SUBMISSION_PORT), "Functions send mail");
    }

    private InterfaceVpcEndpoint endpoint(String id, IInterfaceVpcEndpointService service) {
        // open=false: only the function security group may use the endpoint, not the whole VPC.
        return vpc.addInterfaceEndpoint(id, InterfaceVpcEndpointOptions.builder()
                .service(service)
                .subnets(isolatedSubnets())
                .privateDnsEnabled(true)
                .open(false)
                .build());
    }

    public Vpc vpc() {
        return vpc;
    }

    public SecurityGroup functionSecurityGroup() {
        return functionSecurityGroup;
    }

    public SubnetSelection isolatedSubnets() {
        return SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build();
    }
}
