/**
 * Meters a D1 binding: the `meta.rows_read` / `meta.rows_written` of every result that carries
 * them (`run`, `all`, `first`, `batch`). `raw()` and `exec()` results carry none: they are only
 * counted (drizzle's selects go through `raw()`).
 */
import { counters } from "./counters";

function add(meta: D1Meta | undefined): void {
	counters.d1_queries++;
	counters.d1_rows_read += meta?.rows_read ?? 0;
	counters.d1_rows_written += meta?.rows_written ?? 0;
}

const unwrapped = new WeakMap<D1PreparedStatement, D1PreparedStatement>();

function metered(statement: D1PreparedStatement): D1PreparedStatement {
	const wrapper = {
		bind: (...values: unknown[]) => metered(statement.bind(...values)),
		async run() {
			const result = await statement.run();
			add(result.meta);
			return result;
		},
		async all() {
			const result = await statement.all();
			add(result.meta);
			return result;
		},
		// D1 runs the whole statement for first() too: all() is the same query, with its meta.
		async first(column?: string) {
			const { results, meta } = await statement.all<Record<string, unknown>>();
			add(meta);
			const row = results[0] ?? null;
			return column === undefined || row === null ? row : (row[column] ?? null);
		},
		raw(options?: { columnNames?: boolean }) {
			counters.d1_unmetered++;
			return statement.raw(options as { columnNames?: false });
		},
	} as unknown as D1PreparedStatement;
	unwrapped.set(wrapper, statement);
	return wrapper;
}

export function meteredD1(db: D1Database): D1Database {
	return {
		prepare: (query: string) => metered(db.prepare(query)),
		async batch<T>(statements: D1PreparedStatement[]) {
			const started = Date.now();
			const results = await db.batch<T>(statements.map((s) => unwrapped.get(s) ?? s));
			for (const result of results) add(result.meta);
			if (statements.length >= 3) {
				counters.d1_history_batches++;
				counters.d1_history_ms += Date.now() - started;
				counters.d1_history_rows_written += results.reduce((n, r) => n + (r.meta?.rows_written ?? 0), 0);
			}
			return results;
		},
		exec(query: string) {
			counters.d1_unmetered++;
			return db.exec(query);
		},
		withSession: (constraint) => db.withSession(constraint),
		dump: () => db.dump(),
	};
}
