// What the realistic mix leaves in storage, per event (docs/PERFORMANCE.md, "Capacity"): D1's
// growth over the mix (`meta.size_after`: every table and index, receipts included); the events
// table with its indexes alone, payloads inline and in R2, measured on copies of the mix's own
// rows; the ledgers' SQLite (`ctx.storage.sql.databaseSize`) of a sample of the mix's entities;
// the bytes and operations R2 took; and the consumer's D1 history batches, timed.
import { readCounters } from "./operations.mjs";

const LEDGER_SAMPLE = 300;
const PROBE_ROWS = 3000;

export async function capacitySnapshot({ db, urls }) {
	return {
		size: await sizeOf(db),
		events: (await db.prepare("SELECT count(*) AS n FROM events").first()).n,
		lastRowid: (await db.prepare("SELECT max(rowid) AS n FROM events").first()).n,
		counters: await readCounters(urls.receiver),
	};
}

const sizeOf = async (db) => (await db.prepare("SELECT 1").run()).meta.size_after;

/** The figures, from snapshots before and after the mix and the receiver's answers to it. */
export async function capacityOf(runtime, before, after, answers) {
	const events = after.events - before.events;
	const c = Object.fromEntries(Object.keys(after.counters).map((k) => [k, after.counters[k] - before.counters[k]]));
	const rows = await mixRows(runtime.db, before.lastRowid);
	const table = await eventsTableBytes(runtime, rows);
	const ledgers = await ledgerBytes(runtime.urls.receiver, answers);
	const seconds = c.d1_history_ms / 1000;
	return {
		events,
		d1: {
			bytes_per_event: (after.size - before.size) / events,
			events_table_and_indexes: table,
		},
		ledger: ledgers,
		r2: {
			bytes_per_event: c.r2_bytes_written / events,
			class_a_per_event: c.r2_class_a / events,
			class_b_per_event: c.r2_class_b / events,
		},
		consumer: {
			batches: c.d1_history_batches,
			events_per_batch: events / c.d1_history_batches,
			ms_per_batch: c.d1_history_ms / c.d1_history_batches,
			rows_written_per_second: seconds > 0 ? c.d1_history_rows_written / seconds : null,
			events_per_second: seconds > 0 ? events / seconds : null,
		},
	};
}

async function mixRows(db, afterRowid) {
	const { results } = await db
		.prepare(`SELECT * FROM events WHERE rowid > ? AND event_id NOT LIKE 'bulk-%' ORDER BY rowid LIMIT ${PROBE_ROWS}`)
		.bind(afterRowid)
		.all();
	return results;
}

/**
 * The events table and its indexes, per row, for the mix's rows copied into two tables of the same
 * schema: one with the payloads inline (read back from R2), one as written (a reference).
 */
async function eventsTableBytes({ db, mf }, rows) {
	const bucket = await mf.getR2Bucket("PAYLOADS", "receiver");
	const packs = new Map();
	const inline = [];
	for (const row of rows) {
		if (!packs.has(row.payload_key)) {
			const object = row.payload_key === null ? null : await bucket.get(row.payload_key);
			packs.set(row.payload_key, object && new Uint8Array(await object.arrayBuffer()));
		}
		const pack = packs.get(row.payload_key);
		const payload = pack
			? new TextDecoder().decode(pack.subarray(row.payload_offset, row.payload_offset + row.payload_length))
			: row.payload;
		inline.push({ ...row, payload, payload_key: null, payload_offset: null, payload_length: null });
	}
	const { results: ddl } = await db
		.prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'events' AND sql IS NOT NULL ORDER BY type DESC")
		.all();
	const measured = {};
	// Both tables first, then each filled in turn: no page freed by one is reused by the other.
	for (const name of ["probe_inline", "probe_r2"]) {
		for (const { sql } of ddl) await db.prepare(sql.replaceAll("events", name)).run();
	}
	for (const [name, copies] of [
		["probe_inline", inline],
		["probe_r2", rows],
	]) {
		const start = await sizeOf(db);
		const columns = Object.keys(rows[0]);
		const insert = db.prepare(
			`INSERT INTO ${name} (${columns.join(", ")}) SELECT ${columns.map((k) => `value ->> '${k}'`).join(", ")} FROM json_each(?)`,
		);
		for (let i = 0; i < copies.length; i += 200) await insert.bind(JSON.stringify(copies.slice(i, i + 200))).run();
		measured[name === "probe_inline" ? "payloads_inline" : "payloads_in_r2"] =
			((await sizeOf(db)) - start) / copies.length;
	}
	for (const name of ["probe_inline", "probe_r2"]) await db.prepare(`DROP TABLE ${name}`).run();
	const payloadBytes = inline.reduce((n, r) => n + new TextEncoder().encode(r.payload).length, 0) / inline.length;
	return { rows: rows.length, ...measured, payload_bytes: payloadBytes };
}

/** The ledgers of a sample of the entities the mix answered for. */
async function ledgerBytes(url, answers) {
	const names = [...new Set(answers.filter((a) => a.startsWith("{")).map((a) => JSON.parse(a).entity))];
	const sample = names.slice(0, LEDGER_SAMPLE);
	const uses = await (await fetch(`${url}/__bench/ledgers`, { method: "POST", body: JSON.stringify(sample) })).json();
	const bytes = uses.reduce((n, u) => n + u.bytes, 0);
	const events = uses.reduce((n, u) => n + u.events, 0);
	return {
		objects: uses.length,
		bytes_per_object: bytes / uses.length,
		largest_object: Math.max(...uses.map((u) => u.bytes)),
		events_per_object: events / uses.length,
		bytes_per_event: bytes / events,
	};
}

/** The figures as lines for the run's printout. */
export function capacityLines(capacity) {
	if (!capacity) return "";
	const n = (v, d = 0) => (v === null ? "—" : v.toLocaleString("en", { maximumFractionDigits: d }));
	const { d1, ledger, r2, consumer } = capacity;
	const t = d1.events_table_and_indexes;
	return [
		`Capacity, from the mix's ${n(capacity.events)} events:`,
		`  D1: ${n(d1.bytes_per_event)} bytes/event in all (tables, indexes, receipts); events table + indexes ${n(t.payloads_in_r2)} bytes/row with payloads in R2, ${n(t.payloads_inline)} inline (${n(t.payload_bytes)}-byte payloads on average, ${n(t.rows)} rows)`,
		`  ledger: ${n(ledger.bytes_per_event)} bytes/event, ${n(ledger.bytes_per_object)} bytes/object on average (${n(ledger.events_per_object, 1)} events), largest ${n(ledger.largest_object)} (${n(ledger.objects)} objects)`,
		`  R2: ${n(r2.bytes_per_event)} bytes/event, ${n(r2.class_a_per_event, 3)} class A and ${n(r2.class_b_per_event, 3)} class B operations/event`,
		`  consumer: ${n(consumer.batches)} history batches, ${n(consumer.events_per_batch, 1)} events and ${n(consumer.ms_per_batch, 1)} ms each: ${n(consumer.events_per_second)} events/s, ${n(consumer.rows_written_per_second)} D1 rows written/s while writing`,
	].join("\n");
}
