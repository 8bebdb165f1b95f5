package uz.himoya.queue;

import java.util.UUID;

/**
 * Where a request's next step is handed to the worker. Messages carry only the request id: the database
 * is the source of truth, so a lost or repeated message delays work but never changes its result.
 */
public interface JobQueue {
    void enqueue(UUID requestId);
}
