/**
 * Case-insensitive reading of Azure JSON that remembers where each value came from.
 *
 * Resource Graph returns extension properties in PascalCase and Flux properties in camelCase, and
 * ARM returns camelCase; judgements read both through one accessor and cite the key exactly as
 * Azure spelled it (`properties.ProvisioningState`), so evidence points at the real field.
 */
export class Prop {
  constructor(
    readonly value: unknown,
    /** The property path as Azure spelled it, e.g. `properties.statuses[0].message`. */
    readonly path: string,
  ) {}

  static root(value: unknown): Prop {
    return new Prop(value, "");
  }

  /** A child property, matched exactly first and then case-insensitively. */
  get(name: string): Prop {
    const obj = this.value;
    const join = (key: string) => (this.path ? `${this.path}.${key}` : key);
    if (!isObject(obj)) return new Prop(undefined, join(name));
    if (Object.prototype.hasOwnProperty.call(obj, name)) return new Prop(obj[name], join(name));
    const lower = name.toLowerCase();
    for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return new Prop(obj[key], join(key));
    return new Prop(undefined, join(name));
  }

  /** Follows a dotted path: `powerState.code`. */
  at(dotted: string): Prop {
    return dotted.split(".").reduce<Prop>((p, name) => p.get(name), this);
  }

  /** Array elements with their index in the path; empty when not an array. */
  items(): Prop[] {
    return Array.isArray(this.value) ? this.value.map((v, i) => new Prop(v, `${this.path}[${i}]`)) : [];
  }

  /** Present: neither missing nor JSON null. */
  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  /** Strings as they are, numbers and booleans as text; undefined for anything else. */
  text(): string | undefined {
    const v = this.value;
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return undefined;
  }

  /** Non-blank text, or undefined. */
  nonEmpty(): string | undefined {
    const t = this.text();
    return t !== undefined && t.trim() !== "" ? t : undefined;
  }

  number(): number | undefined {
    const v = this.value;
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
    return undefined;
  }

  /** JSON booleans and the strings "true"/"false" (Resource Graph sometimes stringifies). */
  bool(): boolean | undefined {
    const v = this.value;
    if (typeof v === "boolean") return v;
    if (typeof v === "string" && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === "true";
    return undefined;
  }

  /** Milliseconds since the epoch of an ISO date, or undefined when absent or unparsable. */
  time(): number | undefined {
    const t = this.nonEmpty();
    if (t === undefined) return undefined;
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
