/** Faults injected by wrapping real bindings: the real Queue still does the work once it "recovers". */

export class FlakyQueue<Body> implements Queue<Body> {
	/** Messages the real queue accepted through this wrapper. */
	sent: Body[] = [];
	calls = 0;

	/** Resolves when a call starts waiting on `hold`. */
	readonly holding: Promise<void>;
	private startHolding = () => {};

	constructor(
		private readonly real: Queue<Body>,
		/** How many sendBatch/send calls fail before the queue "recovers". */
		private failuresLeft = 0,
		/** When given, the first call waits for it: a slow Queue. */
		private hold: Promise<void> | null = null,
	) {
		this.holding = new Promise((resolve) => {
			this.startHolding = resolve;
		});
	}

	metrics() {
		return this.real.metrics();
	}

	async send(message: Body, options?: QueueSendOptions) {
		this.fail();
		const result = await this.real.send(message, options);
		this.sent.push(message);
		return result;
	}

	async sendBatch(messages: Iterable<MessageSendRequest<Body>>, options?: QueueSendBatchOptions) {
		this.fail();
		const hold = this.hold;
		this.hold = null;
		if (hold) {
			this.startHolding();
			await hold;
		}
		const list = [...messages];
		const result = await this.real.sendBatch(list, options);
		this.sent.push(...list.map((m) => m.body));
		return result;
	}

	private fail() {
		this.calls++;
		if (this.failuresLeft > 0) {
			this.failuresLeft--;
			throw new Error("injected fault: queue unavailable");
		}
	}
}

/** The real D1, except that every batch (a transaction) fails, as when D1 is unavailable. */
export function d1WithFailingBatches(real: D1Database): D1Database {
	return Object.assign(Object.create(real), {
		prepare: (query: string) => real.prepare(query),
		batch: () => Promise.reject(new Error("injected fault: D1 unavailable")),
	});
}

/** The real ledger namespace, except that reaching an object fails, as when it is overloaded. */
export function unreachableLedgers<T extends Rpc.DurableObjectBranded>(
	real: DurableObjectNamespace<T>,
): DurableObjectNamespace<T> {
	return Object.assign(Object.create(real), {
		idFromName: (name: string) => real.idFromName(name),
		get: () => {
			throw new Error("injected fault: Durable Object overloaded");
		},
	});
}

/** The real D1, except that every query fails when it runs, as during an outage. */
export function d1WithFailingQueries(real: D1Database): D1Database {
	const failing = () => Promise.reject(new Error("injected fault: D1 unavailable"));
	return Object.assign(Object.create(real), {
		prepare: (query: string) =>
			Object.assign(Object.create(real.prepare(query)), { first: failing, run: failing, all: failing, raw: failing }),
	});
}

/** The real Queue, except that its service does not answer (metrics() fails). */
export function queueNotAnswering<Body>(real: Queue<Body>): Queue<Body> {
	return Object.assign(Object.create(real), {
		metrics: () => Promise.reject(new Error("injected fault: queue service down")),
	});
}

/** The real R2 bucket, except that every put() fails, as when R2 is unavailable. */
export function r2WithFailingPuts(real: R2Bucket): R2Bucket {
	return {
		head: (key) => real.head(key),
		get: ((key: string, options?: R2GetOptions) => real.get(key, options)) as R2Bucket["get"],
		put: () => Promise.reject(new Error("injected fault: R2 unavailable")),
		createMultipartUpload: (key, options) => real.createMultipartUpload(key, options),
		resumeMultipartUpload: (key, uploadId) => real.resumeMultipartUpload(key, uploadId),
		delete: (keys) => real.delete(keys),
		list: ((options?: R2ListOptions) => real.list(options)) as R2Bucket["list"],
	};
}
