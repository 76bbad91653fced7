/**
 * What Cloudflare bills, counted inside one isolate (locally one isolate runs a worker, its
 * Durable Objects and its Queue consumer). The bench reads them at GET /__bench/counters before
 * and after each run and divides the difference by the run's requests (bench/operations.mjs).
 */
export const counters = {
	/** Requests the worker answered, the bench's own endpoints excepted. */
	worker_requests: 0,
	/** Queue consumer invocations (one per batch delivered). */
	consumer_batches: 0,
	/** Durable Object requests: RPC calls and alarm runs. */
	do_requests: 0,
	/** Rows read and written by the Durable Objects' SQL (`SqlStorageCursor` rowsRead/rowsWritten). */
	ledger_rows_read: 0,
	ledger_rows_written: 0,
	/** setAlarm() calls, which Cloudflare bills as one row written each. */
	alarms_set: 0,
	/** D1 statements with their result's `meta`, and those without (`raw()`, `exec()`: no meta). */
	d1_queries: 0,
	d1_rows_read: 0,
	d1_rows_written: 0,
	d1_unmetered: 0,
	/**
	 * D1 batches of three statements or more, which in the bench are the events consumer's history
	 * writes (receipts go one statement a flush; the bench has no destinations, whose attempts also
	 * batch three): how many, the milliseconds they took, the rows they wrote.
	 */
	d1_history_batches: 0,
	d1_history_ms: 0,
	d1_history_rows_written: 0,
	/** R2 operations as billed: class A (writes, lists), class B (reads); bytes put. */
	r2_class_a: 0,
	r2_class_b: 0,
	r2_bytes_written: 0,
	/** Queue messages sent, and delivered to a consumer (a retry is delivered again). */
	queue_sent: 0,
	queue_delivered: 0,
};

export type Counters = typeof counters;

/** The bench's own endpoints, never counted as requests. */
export const isBenchPath = (path: string) => path.startsWith("/__bench/");
export const COUNTERS_PATH = "/__bench/counters";

export const countersResponse = () => Response.json(counters);
