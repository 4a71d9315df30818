package hoptrace.peer;

import io.jaegertracing.internal.JaegerSpanContext;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.propagation.B3TextMapCodec;
import io.jaegertracing.internal.samplers.ConstSampler;
import io.opentracing.SpanContext;
import io.opentracing.contrib.kafka.TracingConsumerInterceptor;
import io.opentracing.contrib.kafka.TracingKafkaConsumer;
import io.opentracing.contrib.kafka.TracingKafkaProducer;
import io.opentracing.contrib.kafka.TracingKafkaUtils;
import io.opentracing.contrib.kafka.TracingProducerInterceptor;
import io.opentracing.propagation.Format;
import io.opentracing.util.GlobalTracer;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A service on jaeger-client 1.8.1 with opentracing-kafka-client 0.1.15, as such services were
 * written: const sampler (every trace sampled), spans reported by {@link JsonLinesReporter} to
 * stdout instead of a Jaeger agent.
 *
 * <p>What opentracing-kafka-client does (TracingKafkaUtils, 0.1.15), both styles alike:
 * <ul>
 *   <li>send: a PRODUCER span {@code To_<topic>}, child of the context extracted from the record's
 *       own headers if it has one, else of the explicit parent, else of the active span; its context
 *       is injected with {@code headers.add}, so a header already there stays and a second value
 *       follows it. The wrapper finishes the span when the broker answers, the interceptor at once.
 *   <li>poll: for every record a CONSUMER span {@code From_<topic>}, FOLLOWS_FROM the context in the
 *       record's headers, finished at once, and its context added to the record's headers. So each
 *       consumed record carries the producer's context and then the consumer's, and a relay that
 *       copies the headers sends both on, plus its own.
 *   <li>extraction reads the headers into a map: for a repeated name the last value wins.
 * </ul>
 * Both inject and extract use {@code Format.Builtin.TEXT_MAP}; with {@code --propagation b3} the B3
 * codec is registered for TEXT_MAP (and HTTP_HEADERS), replacing {@code uber-trace-id}.
 */
final class OpenTracingStack implements Stack {
  private final JaegerTracer tracer;
  private final boolean interceptors;

  OpenTracingStack(String service, String style, String propagation, int traceIdBits) {
    JaegerTracer.Builder builder = new JaegerTracer.Builder(service)
        .withSampler(new ConstSampler(true))
        .withReporter(new JsonLinesReporter());
    if (traceIdBits == 128) builder.withTraceId128Bit();
    if (propagation.equals("b3")) {
      B3TextMapCodec b3 = new B3TextMapCodec.Builder().build();
      builder.registerInjector(Format.Builtin.TEXT_MAP, b3).registerExtractor(Format.Builtin.TEXT_MAP, b3)
          .registerInjector(Format.Builtin.HTTP_HEADERS, b3).registerExtractor(Format.Builtin.HTTP_HEADERS, b3);
    }
    tracer = builder.build();
    interceptors = style.equals("interceptors");
    // The interceptors are made by kafka-clients from class names and find the tracer here.
    if (interceptors && !GlobalTracer.registerIfAbsent(tracer)) {
      throw new IllegalStateException("another tracer is already registered in GlobalTracer");
    }
  }

  @Override
  public Producer<String, String> producer(Properties config) {
    if (interceptors) {
      config.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, TracingProducerInterceptor.class.getName());
      return new KafkaProducer<>(config);
    }
    return new TracingKafkaProducer<>(new KafkaProducer<>(config), tracer);
  }

  @Override
  public Consumer<String, String> consumer(Properties config) {
    if (interceptors) {
      config.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, TracingConsumerInterceptor.class.getName());
      return new KafkaConsumer<>(config);
    }
    return new TracingKafkaConsumer<>(new KafkaConsumer<>(config), tracer);
  }

  /** The {@code From_<topic>} span, read back from the context it added to the record's headers. */
  @Override
  public SpanIds processing(ConsumerRecord<String, String> record) {
    JaegerSpanContext context = consumerSpan(record);
    return context == null ? null : new SpanIds(context.toTraceId(), context.toSpanId());
  }

  private JaegerSpanContext consumerSpan(ConsumerRecord<String, String> record) {
    SpanContext context = TracingKafkaUtils.extractSpanContext(record.headers(), tracer);
    return context instanceof JaegerSpanContext ? (JaegerSpanContext) context : null;
  }

  @Override
  public RecordMetadata send(Producer<String, String> producer, ProducerRecord<String, String> record,
      ConsumerRecord<String, String> cause) throws Exception {
    // OpenTracing cannot make a bare SpanContext active, and the consumer's span is finished
    // already: the wrapper takes it as the explicit parent. Either way the copied headers win, and
    // their last context is that same consumer span. The interceptor has no parameter for it and
    // relies on the headers alone.
    if (producer instanceof TracingKafkaProducer) {
      SpanContext parent = cause == null ? null : consumerSpan(cause);
      return ((TracingKafkaProducer<String, String>) producer).send(record, parent).get();
    }
    return producer.send(record).get();
  }

  @Override
  public void close() {
    tracer.close();
  }
}
