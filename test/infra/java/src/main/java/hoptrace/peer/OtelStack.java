package hoptrace.peer;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Plain kafka-clients, as a service that runs under {@code -javaagent:opentelemetry-javaagent.jar}
 * has it: no tracing code at all. What agent 2.20.1 does with it, as seen on the test broker:
 * <ul>
 *   <li>send: a PRODUCER span {@code <topic> publish}, child of the current span, else the root of a
 *       new trace (the record's own headers are not read). Its context is written with every
 *       propagator OTEL_PROPAGATORS names, each header replacing all of that name (remove, then
 *       add): a relayed record leaves with one {@code traceparent} and, with {@code jaeger}, one
 *       {@code uber-trace-id} ({@code <32 hex>:<16 hex>:0:1}), whatever it carried in.
 *   <li>poll: the records it returns are wrapped; iterating them makes a CONSUMER span
 *       {@code <topic> process} current for each record, from {@code next()} until the iterator is
 *       asked for the next one. Its parent is the context extracted from the record's headers (for
 *       a repeated header the last value wins); it is current in the loop body, so a send there is
 *       its child. This is {@link #processing}. With
 *       OTEL_INSTRUMENTATION_MESSAGING_EXPERIMENTAL_RECEIVE_TELEMETRY_ENABLED=true it is instead the
 *       child of a {@code <topic> receive} span in a new trace, with a link to the producer.
 * </ul>
 * Without the agent the API is a no-op: {@link #processing} reports null.
 *
 * <p>What the caller passes (java-peer.js does): {@code -javaagent:<cache>/opentelemetry-javaagent.jar},
 * and as environment OTEL_SERVICE_NAME, OTEL_TRACES_EXPORTER ({@code otlp}, or {@code logging} for
 * spans on stderr, or {@code none}), OTEL_EXPORTER_OTLP_ENDPOINT (base URL of an OTLP/HTTP receiver;
 * the agent appends /v1/traces), OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf, OTEL_PROPAGATORS
 * (default {@code tracecontext,baggage}; add {@code jaeger} or {@code b3multi} to write and read
 * those headers too), OTEL_BSP_SCHEDULE_DELAY (ms; small, so spans leave quickly), and
 * {@code -Dotel.metrics.exporter=none -Dotel.logs.exporter=none} (else the agent tries to export
 * metrics and logs to the same endpoint). The agent exports what is left in its queue from a JVM
 * shutdown hook, so the program ends with {@code System.exit}, never a kill.
 */
final class OtelStack implements Stack {

  @Override
  public Producer<String, String> producer(Properties config) {
    return new KafkaProducer<>(config);
  }

  @Override
  public Consumer<String, String> consumer(Properties config) {
    return new KafkaConsumer<>(config);
  }

  @Override
  public SpanIds processing(ConsumerRecord<String, String> record) {
    SpanContext context = Span.current().getSpanContext();
    return context.isValid() ? new SpanIds(context.getTraceId(), context.getSpanId()) : null;
  }

  @Override
  public RecordMetadata send(Producer<String, String> producer, ProducerRecord<String, String> record,
      ConsumerRecord<String, String> cause) throws Exception {
    // In a relay this runs inside the loop over the polled records, so the agent's "process" span
    // for `cause` is current and becomes the parent of the PRODUCER span.
    return producer.send(record).get();
  }

  @Override
  public void close() {}
}
