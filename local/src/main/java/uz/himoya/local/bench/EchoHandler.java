package uz.himoya.local.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The floor of the cold-start benchmark: the barest Java handler there is. It copies the event to the
 * response and touches nothing else, so its cold start is the JVM plus AWS's runtime interface client.
 * ColdStartBenchmark packs this class alone (with aws-lambda-java-core in lib/) into a function zip at
 * run time; it is never deployed.
 */
public class EchoHandler implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.transferTo(output);
    }
}
