package hoptrace.peer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A Java service at one end of a Kafka interop test, one role per process:
 *
 * <pre>
 * Peer --stack otel|opentracing [--style wrappers|interceptors] [--propagation jaeger|b3]
 *      [--trace-id-bits 64|128] --mode produce|consume|relay --topic T [--to-topic B]
 *      [--group G] [--count N] [--key-prefix K] [--brokers H:P] [--service NAME] [--timeout-ms MS]
 * </pre>
 *
 * stdout, one line each, flushed: {@code ready} once the consumer has its partitions (consume and
 * relay; records sent before it are still read, from the earliest offset);
 * {@code {"sent":{topic,key,partition,offset}}} per record sent;
 * {@code {"consumed":{topic,key,value,partition,offset,headers:{name:[values, wire order]},
 * headerList:[[name,value]…],traceId,traceId32,spanId}}} per record consumed, with the ids of the
 * span in force while it is processed (null fields when there is none); and, for the opentracing
 * stack, {@code {"span":{…}}} per span jaeger-client finishes (see JsonLinesReporter). Everything
 * else (library logs, the OTel agent's) goes to stderr. Exit 0 once {@code --count} records were
 * handled, 2 when they were not within {@code --timeout-ms}, 64 on a bad command line.
 */
public final class Peer {
  private static final Set<String> FLAGS = Set.of("stack", "style", "propagation", "trace-id-bits",
      "mode", "topic", "to-topic", "group", "count", "key-prefix", "brokers", "service", "timeout-ms");

  public static void main(String[] args) {
    int code;
    try {
      code = run(parse(args));
    } catch (UsageError error) {
      System.err.println("peer: " + error.getMessage());
      code = 64;
    } catch (Throwable error) {
      System.err.print("peer: failed: ");
      error.printStackTrace();
      code = 1;
    }
    // System.exit runs the shutdown hooks, where the OTel agent exports what it still holds; and no
    // thread a library left behind can keep the JVM alive.
    System.exit(code);
  }

  private static int run(Map<String, String> flags) throws Exception {
    String stackName = required(flags, "stack", "otel", "opentracing");
    String mode = required(flags, "mode", "produce", "consume", "relay");
    String topic = required(flags, "topic");
    int count = integer(flags, "count", 1);
    String brokers = flags.getOrDefault("brokers", "127.0.0.1:19092");
    String service = flags.getOrDefault("service", "java-peer");
    long timeoutMs = integer(flags, "timeout-ms", 60000);
    String toTopic = mode.equals("relay") ? required(flags, "to-topic") : null;

    try (Stack stack = stackName.equals("otel")
        ? new OtelStack()
        : new OpenTracingStack(service,
            oneOf(flags, "style", "wrappers", "wrappers", "interceptors"),
            oneOf(flags, "propagation", "jaeger", "jaeger", "b3"),
            Integer.parseInt(oneOf(flags, "trace-id-bits", "64", "64", "128")))) {
      if (mode.equals("produce")) {
        return produce(stack, brokers, topic, count, flags.getOrDefault("key-prefix", "k"));
      }
      String group = flags.getOrDefault("group", "hoptrace-peer-" + UUID.randomUUID());
      return consume(stack, brokers, topic, group, count, toTopic, timeoutMs);
    }
  }

  private static int produce(Stack stack, String brokers, String topic, int count, String keyPrefix) throws Exception {
    try (Producer<String, String> producer = stack.producer(producerConfig(brokers))) {
      for (int i = 0; i < count; i++) {
        // One send at a time: with no span current, each starts its own trace.
        RecordMetadata sent = stack.send(producer, new ProducerRecord<>(topic, keyPrefix + i, "v" + i), null);
        printSent(sent, keyPrefix + i);
      }
    }
    return 0;
  }

  /** Consumes {@code count} records; with {@code toTopic}, sends each on with the same headers. */
  private static int consume(Stack stack, String brokers, String topic, String group, int count,
      String toTopic, long timeoutMs) throws Exception {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "hoptrace-peer-consumer");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    Producer<String, String> producer = toTopic == null ? null : stack.producer(producerConfig(brokers));
    int handled = 0;
    try (Consumer<String, String> consumer = stack.consumer(config)) {
      AtomicBoolean ready = new AtomicBoolean();
      consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          if (!partitions.isEmpty() && ready.compareAndSet(false, true)) Json.line("ready");
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}
      });
      long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
      while (handled < count && System.nanoTime() < deadline) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
        // A for-each over the records, as services write it: under the OTel agent the iterator is
        // what makes each record's "process" span current. The loop is never left early (a record
        // past `count` is skipped, not broken out of), so the iterator ends every span it started.
        for (ConsumerRecord<String, String> record : records) {
          if (handled >= count) continue;
          handled++;
          printConsumed(record, stack.processing(record));
          if (toTopic != null) {
            ProducerRecord<String, String> onward =
                new ProducerRecord<>(toTopic, null, record.key(), record.value(), copyHeaders(record));
            printSent(stack.send(producer, onward, record), record.key());
          }
        }
      }
    } finally {
      if (producer != null) producer.close();
    }
    if (handled < count) {
      System.err.printf("peer: consumed %d of %d records from %s within %d ms%n", handled, count, topic, timeoutMs);
      return 2;
    }
    return 0;
  }

  /** Every header of the consumed record, in order, repeated names included. */
  private static List<Header> copyHeaders(ConsumerRecord<String, String> record) {
    List<Header> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(new org.apache.kafka.common.header.internals.RecordHeader(header.key(), header.value()));
    }
    return headers;
  }

  private static Properties producerConfig(String brokers) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "hoptrace-peer-producer");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    return config;
  }

  private static void printSent(RecordMetadata sent, String key) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("topic", sent.topic());
    out.put("key", key);
    out.put("partition", sent.partition());
    out.put("offset", sent.offset());
    Json.emit("sent", out);
  }

  private static void printConsumed(ConsumerRecord<String, String> record, Stack.SpanIds span) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    List<Object> headerList = new ArrayList<>();
    for (Header header : record.headers()) {
      String value = header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
      headers.computeIfAbsent(header.key(), k -> new ArrayList<>()).add(value);
      headerList.add(java.util.Arrays.asList(header.key(), value));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("topic", record.topic());
    out.put("key", record.key());
    out.put("value", record.value());
    out.put("partition", record.partition());
    out.put("offset", record.offset());
    out.put("headers", headers);
    out.put("headerList", headerList);
    if (span != null) {
      span.put(out);
    } else {
      out.put("traceId", null);
      out.put("traceId32", null);
      out.put("spanId", null);
    }
    Json.emit("consumed", out);
  }

  // --- command line -------------------------------------------------------------------------

  private static final class UsageError extends Exception {
    UsageError(String message) {
      super(message);
    }
  }

  private static Map<String, String> parse(String[] args) throws UsageError {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || !FLAGS.contains(args[i].substring(2))) {
        throw new UsageError("unknown argument " + args[i] + "; flags: --" + String.join(" --", FLAGS));
      }
      if (i + 1 >= args.length) throw new UsageError(args[i] + " needs a value");
      flags.put(args[i].substring(2), args[i + 1]);
    }
    return flags;
  }

  private static String required(Map<String, String> flags, String name, String... allowed) throws UsageError {
    String value = flags.get(name);
    if (value == null) throw new UsageError("--" + name + " is required");
    return allowed.length == 0 ? value : oneOf(flags, name, value, allowed);
  }

  private static String oneOf(Map<String, String> flags, String name, String fallback, String... allowed) throws UsageError {
    String value = flags.getOrDefault(name, fallback);
    if (!List.of(allowed).contains(value)) {
      throw new UsageError("--" + name + " must be one of " + String.join(", ", allowed) + ", not " + value);
    }
    return value;
  }

  private static int integer(Map<String, String> flags, String name, int fallback) throws UsageError {
    String value = flags.get(name);
    if (value == null) return fallback;
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < 0) throw new NumberFormatException();
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageError("--" + name + " must be a whole number, not " + value);
    }
  }
}
