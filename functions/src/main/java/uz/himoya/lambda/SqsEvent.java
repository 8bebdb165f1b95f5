package uz.himoya.lambda;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import uz.himoya.queue.QueueMessage;

/**
 * The parts of an SQS event (as Lambda's event source mapping delivers it) that Himoya reads. Converted
 * to core records at the edge: the core never sees AWS types.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SqsEvent(@JsonProperty("Records") List<Record> records) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Record(String messageId, String body, String eventSource) {
    }

    public List<QueueMessage> messages() {
        return records == null ? List.of()
                : records.stream().map(r -> new QueueMessage(r.messageId(), r.body())).toList();
    }
}
