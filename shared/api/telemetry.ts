/**
 * Every API request as telemetry: a span joined to the Functions invocation's trace and the request
 * count and duration by route template (never the path: it carries cluster ids) and status. The span
 * is internal: the Functions host already reports the request itself to Application Insights.
 */
import { SpanKind } from "@opentelemetry/api";
import { failSpan, invocationContext, methodLabel, recordApiRequest, startSpan, startTelemetry } from "../telemetry";
import type { HttpHandler, RouteDef } from "./http";

export function tracedHandler(def: Pick<RouteDef, "route">, handler: HttpHandler): HttpHandler {
  const route = `/api/${def.route}`;
  return async (req, ctx) => {
    await startTelemetry();
    const started = performance.now();
    const method = methodLabel(req.method);
    const { span } = startSpan(`${method} ${route}`, invocationContext(ctx.traceContext?.traceParent), { kind: SpanKind.INTERNAL, attributes: { "http.request.method": method, "http.route": route } });
    let status = 500;
    try {
      const response = await handler(req, ctx);
      status = response.status ?? 200;
      return response;
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.setAttribute("http.response.status_code", status);
      recordApiRequest(route, method, status, performance.now() - started);
      span.end();
    }
  };
}
