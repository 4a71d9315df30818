package hoptrace.peer;

import io.jaegertracing.internal.JaegerSpan;
import io.jaegertracing.internal.JaegerSpanContext;
import io.jaegertracing.internal.Reference;
import io.jaegertracing.spi.Reporter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints every finished span as one line, {@code {"span":{...}}}, when jaeger-client finishes it.
 * Ids are lower-case hex: {@code traceId} as jaeger-client writes it in {@code uber-trace-id} (16
 * chars for a 64-bit id, 32 for a 128-bit one), {@code traceId32} left-padded to 32, the raw halves
 * as 16 chars each; {@code parentId} is null for a root (jaeger-client's parent id 0).
 */
final class JsonLinesReporter implements Reporter {

  @Override
  public void report(JaegerSpan span) {
    JaegerSpanContext context = span.context();
    Map<String, Object> out = new LinkedHashMap<>();
    new Stack.SpanIds(context.toTraceId(), context.toSpanId()).put(out);
    out.put("traceIdHigh", hex16(context.getTraceIdHigh()));
    out.put("traceIdLow", hex16(context.getTraceIdLow()));
    out.put("parentId", context.getParentId() == 0 ? null : hex16(context.getParentId()));
    out.put("operationName", span.getOperationName());
    Object kind = span.getTags().get("span.kind");
    out.put("kind", kind == null ? null : kind.toString());
    out.put("service", span.getServiceName());
    List<Object> references = new ArrayList<>();
    for (Reference reference : span.getReferences()) {
      JaegerSpanContext target = reference.getSpanContext();
      Map<String, Object> ref = new LinkedHashMap<>();
      ref.put("type", reference.getType());
      new Stack.SpanIds(target.toTraceId(), target.toSpanId()).put(ref);
      references.add(ref);
    }
    out.put("references", references);
    Json.emit("span", out);
  }

  static String hex16(long id) {
    String hex = Long.toHexString(id);
    return "0".repeat(16 - hex.length()) + hex;
  }

  @Override
  public void close() {}
}
