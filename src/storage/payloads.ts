/**
 * QI Tech's payloads out of D1: the events consumer packs a batch's payloads into one R2 object
 * (one write per batch of up to 100 events, not one per event) before it writes the D1 rows that
 * point into it; D1 keeps, per event, the object's key and the payload's UTF-8 byte range, read
 * back with a ranged GET. A pack's key and bytes follow from its events alone (their ids, sorted),
 * so a retried batch writes the same object again; a batch formed differently on a retry writes
 * another object, and the rows already in D1 keep pointing at the first one, which is never
 * rewritten (only retention deletes packs, by day). Payloads up to PAYLOADS_INLINE_MAX_BYTES stay
 * inline in the row.
 */
import { hex, sha256 } from "../digests";
import type { Env } from "../env";
import type { EventNotification } from "../model";
import { settingsOf } from "../settings";

/** A payload in R2: `length` UTF-8 bytes at `offset` of the object `key`. */
export interface PayloadRef {
	key: string;
	offset: number;
	length: number;
}
/** Where one event's payload goes: inline in its row, or in a pack. */
export type StoredPayload = { inline: string } | PayloadRef;

/** The columns of an events row that say where its payload is. */
export interface PayloadColumns {
	payload: string;
	payload_key: string | null;
	payload_offset: number | null;
	payload_length: number | null;
	payload_expired_at: string | null;
}

export const PACK_PREFIX = "payloads/";
const SEPARATOR = "\n";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface Packed {
	event_id: string;
	received_at: string;
	payload: string;
}

export interface Pack {
	key: string;
	body: Uint8Array;
	refs: Map<string, PayloadRef>;
}

/** The pack of these payloads (of one day): under `payloads/<day of received_at>/<digest of the ids>`. */
export async function packOf(entries: Packed[]): Promise<Pack> {
	const sorted = [...entries].sort((a, b) => (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
	const day = (
		sorted
			.map((e) => e.received_at)
			.sort()
			.at(-1) ?? ""
	).slice(0, 10);
	const digest = hex(await sha256(sorted.map((e) => e.event_id).join("\n"))).slice(0, 32);
	const key = `${PACK_PREFIX}${day}/${digest}`;
	const parts = sorted.map((e) => encoder.encode(e.payload));
	const body = new Uint8Array(parts.reduce((n, p) => n + p.length + SEPARATOR.length, 0));
	const refs = new Map<string, PayloadRef>();
	let offset = 0;
	for (const [i, part] of parts.entries()) {
		body.set(part, offset);
		refs.set(sorted[i].event_id, { key, offset, length: part.length });
		offset += part.length;
		body.set(encoder.encode(SEPARATOR), offset);
		offset += SEPARATOR.length;
	}
	return { key, body, refs };
}

/**
 * Writes the notifications' payloads that do not stay inline to one pack in R2 and says where each
 * one is; `fetched` holds those that travelled by reference. Throws when R2 does: the batch is
 * retried, and nothing written to D1 points at an object that is missing.
 */
export async function storePayloads(
	env: Env,
	notifications: EventNotification[],
	fetched: Map<string, string>,
): Promise<Map<string, StoredPayload>> {
	const inlineMax = settingsOf(env).PAYLOADS_INLINE_MAX_BYTES;
	const stored = new Map<string, StoredPayload>();
	const packed: Packed[] = [];
	for (const { event, payload } of notifications) {
		const body = payload ?? fetched.get(event.event_id);
		if (body === undefined) throw new Error(`payload of ${event.event_id} was neither inline nor fetched`);
		const entry = { event_id: event.event_id, received_at: event.received_at, payload: body };
		if (!env.PAYLOADS || encoder.encode(entry.payload).length <= inlineMax) {
			stored.set(entry.event_id, { inline: entry.payload });
		} else packed.push(entry);
	}
	for (const [eventId, ref] of await writePacks(env, packed)) stored.set(eventId, ref);
	return stored;
}

/**
 * One pack per day of received_at among these payloads (a batch seldom spans two): all of a pack's
 * events are of its day, so retention deletes packs by day and marks rows by the same day.
 */
export async function writePacks(env: Env, entries: Packed[]): Promise<Map<string, PayloadRef>> {
	const refs = new Map<string, PayloadRef>();
	if (entries.length === 0) return refs;
	const bucket = bucketOf(env);
	const days = new Map<string, Packed[]>();
	for (const e of entries) days.set(e.received_at.slice(0, 10), [...(days.get(e.received_at.slice(0, 10)) ?? []), e]);
	for (const group of days.values()) {
		const pack = await packOf(group);
		await bucket.put(pack.key, pack.body, { customMetadata: { events: String(group.length) } });
		for (const [eventId, ref] of pack.refs) refs.set(eventId, ref);
	}
	return refs;
}

/** An events row's payload columns for where its payload was stored. */
export function payloadColumns(stored: StoredPayload): Omit<PayloadColumns, "payload_expired_at"> {
	return "inline" in stored
		? { payload: stored.inline, payload_key: null, payload_offset: null, payload_length: null }
		: { payload: "", payload_key: stored.key, payload_offset: stored.offset, payload_length: stored.length };
}

/**
 * The payload of an events row, byte for byte as received: from the row, or from its pack with a
 * ranged GET. Null when payload retention deleted it (the row is marked, or its pack is gone).
 */
export async function readPayload(env: Env, row: PayloadColumns): Promise<string | null> {
	if (row.payload_expired_at !== null) return null;
	const ref = refOf(row);
	if (ref === null) return row.payload;
	const object = await bucketOf(env).get(ref.key, { range: { offset: ref.offset, length: ref.length } });
	return object === null ? null : object.text();
}

/** The payloads of many rows, each pack read once (whole): for exports. Keyed by the row's index. */
export async function readPayloads(env: Env, rows: PayloadColumns[]): Promise<(string | null)[]> {
	const packs = new Map<string, Promise<Uint8Array | null>>();
	const packBytes = (key: string) => {
		if (!packs.has(key)) {
			packs.set(
				key,
				bucketOf(env)
					.get(key)
					.then(async (object) => (object === null ? null : new Uint8Array(await object.arrayBuffer()))),
			);
		}
		return packs.get(key) as Promise<Uint8Array | null>;
	};
	return Promise.all(
		rows.map(async (row) => {
			if (row.payload_expired_at !== null) return null;
			const ref = refOf(row);
			if (ref === null) return row.payload;
			const bytes = await packBytes(ref.key);
			return bytes === null ? null : decoder.decode(bytes.subarray(ref.offset, ref.offset + ref.length));
		}),
	);
}

function refOf(row: PayloadColumns): PayloadRef | null {
	if (row.payload_key === null || row.payload_offset === null || row.payload_length === null) return null;
	return { key: row.payload_key, offset: row.payload_offset, length: row.payload_length };
}

function bucketOf(env: Env): R2Bucket {
	if (!env.PAYLOADS) throw new Error("payloads are in R2, but the PAYLOADS bucket is not bound");
	return env.PAYLOADS;
}
