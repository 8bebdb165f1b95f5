package uz.himoya.queue;

/** One message of a batch, as any queue delivers it: its id (for partial batch failures) and body. */
public record QueueMessage(String messageId, String body) {
}
