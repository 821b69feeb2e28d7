/**
 * Every API request as telemetry: a span joined to the Functions invocation's trace and the request
 * count and duration by route template (never the path: it carries cluster ids) and status. The span
 * is internal (OpenTelemetry's default kind): the Functions host already reports the request itself
 * to Application Insights. The telemetry module is loaded on the first request, not at cold start.
 */
import { methodLabel } from "../telemetry/labels";
import type { HttpHandler, RouteDef } from "./http";

let telemetry: Promise<typeof import("../telemetry")> | undefined;

export function tracedHandler(def: Pick<RouteDef, "route">, handler: HttpHandler): HttpHandler {
  const route = `/api/${def.route}`;
  return async (req, ctx) => {
    const t = await (telemetry ??= import("../telemetry"));
    // Not awaited: the exporter's first load (~0.5 s) must not delay a request; requests before it is up go unrecorded.
    void t.startTelemetry();
    const started = performance.now();
    const method = methodLabel(req.method);
    const { span } = t.startSpan(`${method} ${route}`, t.invocationContext(ctx.traceContext?.traceParent), {
      attributes: { "http.request.method": method, "http.route": route },
    });
    let status = 500;
    try {
      const response = await handler(req, ctx);
      status = response.status ?? 200;
      return response;
    } catch (err) {
      t.failSpan(span, err);
      throw err;
    } finally {
      span.setAttribute("http.response.status_code", status);
      t.recordApiRequest(route, method, status, performance.now() - started);
      span.end();
    }
  };
}
