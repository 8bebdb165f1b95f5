package uz.himoya.deletion.lambda;

import io.quarkus.funqy.Funq;
import uz.himoya.deletion.DeletionWorker;
import uz.himoya.lambda.SqsBatchResponse;
import uz.himoya.lambda.SqsEvent;

/**
 * The queue-triggered erasure worker (SQS queue erasure-jobs). Deployed alone with
 * QUARKUS_FUNQY_EXPORT=erasureWorker; sample event: src/test/resources/events/sqs-erasure.json.
 */
public class ErasureWorkerFunction {
    private final DeletionWorker worker;

    public ErasureWorkerFunction(DeletionWorker worker) {
        this.worker = worker;
    }

    @Funq("erasureWorker")
    public SqsBatchResponse erasureWorker(SqsEvent event) {
        return SqsBatchResponse.of(worker.processBatch(event.messages()));
    }
}
