/**
 * Meters a Durable Object's storage: every `sql.exec()` cursor's rows and every `setAlarm()`.
 * A cursor's counts are final once it is exhausted, so they are added up when the request that
 * opened it is done (`durableRequest`), not when it is opened.
 */
import { counters } from "./counters";

const open: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];

/** Installs the meters on this object's storage; call it before anything runs a statement. */
export function meterStorage(storage: DurableObjectStorage): void {
	const sql = storage.sql;
	const exec = sql.exec.bind(sql);
	sql.exec = <T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]) => {
		const cursor = exec<T>(query, ...bindings);
		open.push(cursor);
		return cursor;
	};
	const setAlarm = storage.setAlarm.bind(storage);
	storage.setAlarm = (...args) => {
		counters.alarms_set++;
		return setAlarm(...args);
	};
}

function settle(): void {
	for (const cursor of open.splice(0)) {
		counters.ledger_rows_read += cursor.rowsRead;
		counters.ledger_rows_written += cursor.rowsWritten;
	}
}

/** One billed Durable Object request (an RPC call or an alarm run), with the rows it touched. */
export function durableRequest<T>(work: () => T): T {
	counters.do_requests++;
	let result: T;
	try {
		result = work();
	} catch (err) {
		settle();
		throw err;
	}
	if (result instanceof Promise) return result.finally(settle) as T;
	settle();
	return result;
}
