import { describe, expect, it } from "vitest";
import { compareRoutes, matchRoute, parseRouteTemplate, RouteTemplateError } from "../../dev/host/route-template";

const match = (template: string, path: string) => matchRoute(parseRouteTemplate(template), path);

describe("route templates (Functions host / ASP.NET Core syntax)", () => {
  it("matches literals case-insensitively and decodes parameters", () => {
    expect(match("catalog/{id}", "/Catalog/flux-source-auth")).toEqual({ id: "flux-source-auth" });
    expect(match("catalog/{id}", "/catalog/a%20b")).toEqual({ id: "a b" });
    expect(match("catalog/{id}", "/catalog")).toBeUndefined();
    expect(match("catalog/{id}", "/catalog/a/b")).toBeUndefined();
    expect(match("catalog", "/catalog/")).toEqual({});
  });

  it("keeps invalid percent escapes as written", () => {
    expect(match("catalog/{id}", "/catalog/100%zz")).toEqual({ id: "100%zz" });
  });

  it("supports optional parameters and defaults", () => {
    expect(match("sweeps/{id?}", "/sweeps")).toEqual({});
    expect(match("sweeps/{id?}", "/sweeps/s1")).toEqual({ id: "s1" });
    expect(match("page/{n:int=1}", "/page")).toEqual({ n: "1" });
  });

  it("applies constraints", () => {
    expect(match("items/{n:int}", "/items/42")).toEqual({ n: "42" });
    expect(match("items/{n:int}", "/items/x")).toBeUndefined();
    expect(match("items/{n:range(1,10)}", "/items/11")).toBeUndefined();
    expect(match("items/{n:min(5)}", "/items/5")).toEqual({ n: "5" });
    expect(match("items/{name:alpha:minlength(3)}", "/items/ab")).toBeUndefined();
    expect(match("items/{name:alpha:minlength(3)}", "/items/abc")).toEqual({ name: "abc" });
    expect(match("items/{id:guid}", "/items/8c3e1c1e-3f51-4a4c-9b39-4b0a8d2a6f00")).toBeTruthy();
    expect(match("items/{id:guid}", "/items/not-a-guid")).toBeUndefined();
    expect(match("items/{flag:bool}", "/items/TRUE")).toEqual({ flag: "TRUE" });
    expect(match("items/{code:regex(^[a-z]{{2}}-\\d+$)}", "/items/AB-12")).toEqual({ code: "AB-12" });
    expect(match("items/{code:regex(^[a-z]{{2}}-\\d+$)}", "/items/abc-12")).toBeUndefined();
    expect(match("items/{code:length(2,3)}", "/items/abcd")).toBeUndefined();
  });

  it("gives a catch-all the rest of the path, slashes included", () => {
    expect(match("files/{*rest}", "/files/a/b%2Fc/d")).toEqual({ rest: "a/b/c/d" });
    expect(match("files/{**rest}", "/files/x")).toEqual({ rest: "x" });
    expect(match("files/{*rest}", "/files")).toEqual({});
  });

  it("rejects templates the host would reject", () => {
    expect(() => parseRouteTemplate("a/{*rest}/b")).toThrow(RouteTemplateError);
    expect(() => parseRouteTemplate("a/{id}/{id}")).toThrow(/appears twice/);
    expect(() => parseRouteTemplate("a/{id:nope}")).toThrow(/unknown constraint/);
    expect(() => parseRouteTemplate("a/{id?}/b")).toThrow(/optional/);
    expect(() => parseRouteTemplate("a/x{id}")).toThrow(/mixes text and parameters/);
  });

  it("orders literals before constrained parameters before parameters before catch-alls", () => {
    const templates = ["clusters/{*rest}", "clusters/{id}", "clusters/{n:int}", "clusters/failing"].map(parseRouteTemplate);
    expect(templates.sort(compareRoutes).map((t) => t.template)).toEqual(["clusters/failing", "clusters/{n:int}", "clusters/{id}", "clusters/{*rest}"]);
  });
});
