/**
 * What operators add to the history: silences, acknowledgements and notes, and the audit trail of
 * every change to them. Kept in one table, `<prefix>operations`, in one partition: operator actions
 * are few (far below a partition's ~2,000 entities/s), and one partition lets every change and its
 * audit row be written in one transaction, so a change is never stored without its audit entry.
 *
 * Rows: `silence~<id>`, `ack~<id>`, `note~<id>` hold one record each as JSON (`data`); audit rows
 * `audit~<inverted time>~<id>` sort newest first. Updates and deletes carry the row's ETag: a
 * concurrent change makes them fail with `PreconditionFailed` instead of overwriting it.
 */
import { randomUUID } from "node:crypto";
import type { TableClient, TableEntityResult, TransactionAction } from "@azure/data-tables";
import { statusOf } from "./errors";
import { prefixEnd } from "./keys";
import { pagedList, tablePages, type PagedList } from "./paging";
import type { FleetHistoryOptions } from "./tables";

export const OPERATIONS_TABLE = "operations";
const PARTITION = "ops";

export interface SilenceScope {
  /** Lower-cased, e.g. `microsoft.flux`. */
  extensionType?: string;
  subscriptionId?: string;
  resourceGroup?: string;
  /** Canonical (lower-cased) cluster ARM id. */
  clusterId?: string;
  /** A cluster tag; the key compares case-insensitively (as Azure's), the value exactly. */
  tag?: { key: string; value: string };
}

export interface Silence {
  id: string;
  /** Exactly one of `catalogId` and `fingerprint` (an unclassified failure). */
  catalogId?: string;
  fingerprint?: string;
  scope: SilenceScope;
  reason: string;
  createdBy: string;
  createdAt: string;
  updatedBy?: string;
  updatedAt?: string;
  /** In force until this instant (exclusive). */
  expiresAt: string;
}

export type AckTarget =
  /** One open failure: the component of a cluster. */
  | { kind: "failure"; clusterId: string; componentId: string }
  /** A fleet-wide incident: `catalog:<id>` or `fingerprint:<fp>`, as /api/incidents keys it. */
  | { kind: "incident"; key: string };

export interface Acknowledgement {
  id: string;
  target: AckTarget;
  by: string;
  at: string;
  note?: string;
  ticketUrl?: string;
  updatedBy?: string;
  updatedAt?: string;
}

export interface Note {
  id: string;
  clusterId: string;
  by: string;
  at: string;
  text: string;
  /** The component the note is about, when it is about one. */
  componentId?: string;
}

export interface OperationKinds {
  silence: Silence;
  ack: Acknowledgement;
  note: Note;
}
export type OperationKind = keyof OperationKinds;
export const OPERATION_KINDS: readonly OperationKind[] = ["silence", "ack", "note"];

/** A stored record with the version the store holds (pass it back to change or delete it). */
export type Versioned<T> = T & { etag: string };

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: "create" | "update" | "delete";
  kind: OperationKind;
  targetId: string;
  /** The record before the change; absent for a create. */
  before?: unknown;
  /** The record after the change; absent for a delete. */
  after?: unknown;
}

export type OperationsErrorCode = "NotFound" | "PreconditionFailed" | "AlreadyExists";

export class OperationsError extends Error {
  constructor(
    readonly code: OperationsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "OperationsError";
  }
}

const rowKey = (kind: OperationKind, id: string) => `${kind}~${id}`;
const AUDIT_PREFIX = "audit~";
/** Newest first: the key counts down with time. */
const auditRowKey = (at: string, id: string) => `${AUDIT_PREFIX}${(9_999_999_999_999 - Date.parse(at)).toString().padStart(13, "0")}~${id}`;

type Row = { partitionKey: string; rowKey: string; data: string; [k: string]: unknown };

function auditRow(entry: AuditEntry): Row {
  return { partitionKey: PARTITION, rowKey: auditRowKey(entry.at, entry.id), data: JSON.stringify(entry), kind: entry.kind, targetId: entry.targetId };
}

function versioned<T>(row: TableEntityResult<Row>): Versioned<T> {
  return { ...(JSON.parse(row.data) as T), etag: row.etag };
}

export interface AuditQuery {
  kind?: OperationKind;
  targetId?: string;
  /** Entries at or after. */
  from?: Date;
  abortSignal?: AbortSignal;
}

export interface ListOperationsOptions {
  abortSignal?: AbortSignal;
}

export class OperationsStore {
  private constructor(private readonly table: TableClient) {}

  /** Opens (and on first use creates) `<prefix>operations`. */
  static async open(options: FleetHistoryOptions): Promise<OperationsStore> {
    // Loaded on first use: the API's routes import this module, and the Table SDK must not load at cold start.
    const { openTable } = await import("./tables");
    return new OperationsStore(await openTable(options, OPERATIONS_TABLE));
  }

  /** The records of one kind in id order (tombstones of unfinished deletes skipped); `byPage` pages with the table's tokens. */
  list<K extends OperationKind>(kind: K, options: ListOperationsOptions = {}): PagedList<Versioned<OperationKinds[K]>> {
    const from = rowKey(kind, "");
    const filter = `PartitionKey eq '${PARTITION}' and RowKey ge '${from}' and RowKey lt '${prefixEnd(from)}'`;
    const entities = this.table.listEntities<Row>({ queryOptions: { filter }, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) });
    return pagedList((settings) =>
      tablePages(
        entities.byPage(settings),
        (row) => versioned<OperationKinds[K]>(row),
        (row) => !row.deleted,
      ),
    );
  }

  async get<K extends OperationKind>(kind: K, id: string): Promise<Versioned<OperationKinds[K]> | undefined> {
    try {
      const row = await this.table.getEntity<Row>(PARTITION, rowKey(kind, id));
      return row.deleted ? undefined : versioned(row);
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  /** Stores a new record and its audit entry in one transaction. */
  async create<K extends OperationKind>(kind: K, record: OperationKinds[K], actor: string, now = new Date()): Promise<Versioned<OperationKinds[K]>> {
    const row: Row = { partitionKey: PARTITION, rowKey: rowKey(kind, record.id), data: JSON.stringify(record) };
    await this.submit(kind, record.id, [
      ["create", row],
      ["create", auditRow(this.audit(kind, record.id, actor, "create", now, undefined, record))],
    ]);
    return (await this.get(kind, record.id))!;
  }

  /** Replaces a record if it is still at `etag`; `PreconditionFailed` when someone changed it first. */
  async update<K extends OperationKind>(
    kind: K,
    record: OperationKinds[K],
    etag: string,
    actor: string,
    now = new Date(),
  ): Promise<Versioned<OperationKinds[K]>> {
    const before = await this.existing(kind, record.id);
    const row: Row = { partitionKey: PARTITION, rowKey: rowKey(kind, record.id), data: JSON.stringify(record) };
    await this.submit(kind, record.id, [
      ["update", row, "Replace", { etag }],
      ["create", auditRow(this.audit(kind, record.id, actor, "update", now, strip(before), record))],
    ]);
    return (await this.get(kind, record.id))!;
  }

  /**
   * Deletes a record if it is still at `etag`; returns what was deleted. A transaction cannot delete
   * on a condition, so the row is first turned into a tombstone on its ETag together with the audit
   * entry, then removed; a tombstone left by a failure there is invisible and goes with the retention.
   */
  async remove<K extends OperationKind>(kind: K, id: string, etag: string, actor: string, now = new Date()): Promise<OperationKinds[K]> {
    const before = strip(await this.existing(kind, id));
    const tombstone: Row = { partitionKey: PARTITION, rowKey: rowKey(kind, id), data: JSON.stringify(before), deleted: true };
    await this.submit(kind, id, [
      ["update", tombstone, "Replace", { etag }],
      ["create", auditRow(this.audit(kind, id, actor, "delete", now, before, undefined))],
    ]);
    await this.table.deleteEntity(PARTITION, rowKey(kind, id)).catch((err: unknown) => {
      if (statusOf(err) !== 404) throw err;
    });
    return before;
  }

  /** Audit entries newest first; `byPage({ continuationToken, maxPageSize })` pages with the table's tokens. */
  listAudit(query: AuditQuery = {}): PagedList<AuditEntry> {
    const upper = query.from ? auditRowKey(query.from.toISOString(), "~") : prefixEnd(AUDIT_PREFIX);
    const clauses = [`PartitionKey eq '${PARTITION}'`, `RowKey ge '${AUDIT_PREFIX}'`, `RowKey lt '${upper}'`];
    if (query.kind) clauses.push(`kind eq '${query.kind}'`);
    if (query.targetId) clauses.push(`targetId eq '${query.targetId.replace(/'/g, "''")}'`);
    const entities = this.table.listEntities<Row>({
      queryOptions: { filter: clauses.join(" and ") },
      ...(query.abortSignal ? { abortSignal: query.abortSignal } : {}),
    });
    return pagedList((settings) => tablePages(entities.byPage(settings), (row) => JSON.parse(row.data) as AuditEntry));
  }

  /** Deletes the records `expired` names, tombstones, and audit entries older than `cutoff`; returns how many rows went. */
  async applyRetention(cutoff: Date, expired: (kind: OperationKind, record: OperationKinds[OperationKind]) => boolean): Promise<number> {
    let deleted = 0;
    const gone = (err: unknown) => {
      // Changed since it was read (an extended silence) or already gone: not this run's to delete.
      if (statusOf(err) !== 412 && statusOf(err) !== 404) throw err;
      deleted--;
    };
    for (const kind of OPERATION_KINDS) {
      const from = rowKey(kind, "");
      for await (const row of this.table.listEntities<Row>({
        queryOptions: { filter: `PartitionKey eq '${PARTITION}' and RowKey ge '${from}' and RowKey lt '${prefixEnd(from)}'` },
      })) {
        if (!row.deleted && !expired(kind, JSON.parse(row.data) as OperationKinds[OperationKind])) continue;
        deleted++;
        await this.table.deleteEntity(PARTITION, row.rowKey, { etag: row.etag }).catch(gone);
      }
    }
    const filter = `PartitionKey eq '${PARTITION}' and RowKey ge '${auditRowKey(cutoff.toISOString(), "~")}' and RowKey lt '${prefixEnd(AUDIT_PREFIX)}'`;
    const audit: string[] = [];
    for await (const row of this.table.listEntities<Row>({ queryOptions: { filter, select: ["RowKey"] } })) audit.push(row.rowKey);
    for (let i = 0; i < audit.length; i += 100) {
      const batch = audit.slice(i, i + 100).map((rk): TransactionAction => ["delete", { partitionKey: PARTITION, rowKey: rk }]);
      await this.table.submitTransaction(batch);
      deleted += batch.length;
    }
    return deleted;
  }

  private audit(kind: OperationKind, targetId: string, actor: string, action: AuditEntry["action"], now: Date, before: unknown, after: unknown): AuditEntry {
    return {
      id: randomUUID(),
      at: now.toISOString(),
      actor,
      action,
      kind,
      targetId,
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
    };
  }

  private async existing<K extends OperationKind>(kind: K, id: string): Promise<Versioned<OperationKinds[K]>> {
    const found = await this.get(kind, id);
    if (!found) throw new OperationsError("NotFound", `no ${kind} ${id}`);
    return found;
  }

  private async submit(kind: OperationKind, id: string, actions: TransactionAction[]): Promise<void> {
    try {
      await this.table.submitTransaction(actions);
    } catch (err) {
      const status = statusOf(err);
      if (status === 412) throw new OperationsError("PreconditionFailed", `${kind} ${id} was changed by someone else; read it again and retry`, { cause: err });
      if (status === 404) throw new OperationsError("NotFound", `no ${kind} ${id}`, { cause: err });
      if (status === 409) throw new OperationsError("AlreadyExists", `${kind} ${id} already exists`, { cause: err });
      throw err;
    }
  }
}

function strip<T>(record: Versioned<T>): T {
  const { etag: _etag, ...rest } = record;
  return rest as T;
}

/** Opens the operations store on the history's table settings. */
export function openOperationsStore(options: FleetHistoryOptions): Promise<OperationsStore> {
  return OperationsStore.open(options);
}
