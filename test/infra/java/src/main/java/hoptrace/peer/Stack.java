package hoptrace.peer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** How one tracing stack makes its Kafka clients, sees the span in force, and sends. */
interface Stack extends AutoCloseable {

  Producer<String, String> producer(Properties config);

  Consumer<String, String> consumer(Properties config);

  /** The span the stack holds responsible for processing {@code record}, or null if none. */
  SpanIds processing(ConsumerRecord<String, String> record);

  /**
   * Sends {@code record} and waits for the broker's answer. {@code cause}, when not null, is the
   * consumed record being processed (a relay): the send must continue its trace.
   */
  RecordMetadata send(Producer<String, String> producer, ProducerRecord<String, String> record,
      ConsumerRecord<String, String> cause) throws Exception;

  @Override
  void close();

  /**
   * Span ids in lower-case hex. {@code traceId} is the stack's own form (OpenTelemetry: always 32
   * chars; jaeger-client: 16 for a 64-bit id, 32 for a 128-bit one), {@code traceId32} the same id
   * left-padded to 32 chars, as W3C, OTLP and hoptrace write it.
   */
  final class SpanIds {
    final String traceId;
    final String spanId;

    SpanIds(String traceId, String spanId) {
      this.traceId = traceId;
      this.spanId = spanId;
    }

    static String pad32(String traceId) {
      return traceId.length() >= 32 ? traceId : "0".repeat(32 - traceId.length()) + traceId;
    }

    Map<String, Object> put(Map<String, Object> into) {
      into.put("traceId", traceId);
      into.put("traceId32", pad32(traceId));
      into.put("spanId", spanId);
      return into;
    }

    Map<String, Object> toMap() {
      return put(new LinkedHashMap<>());
    }
  }
}
