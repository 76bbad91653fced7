/** Counts what a Queue accepted (`queue_sent`), after it accepted it, and tells `onSent` what it was. */
import { counters } from "./counters";

export class CountingQueue<Body> implements Queue<Body> {
	constructor(
		private readonly real: Queue<Body>,
		private readonly onSent: (bodies: Body[]) => void = () => {},
	) {}

	metrics() {
		return this.real.metrics();
	}

	async send(body: Body, options?: QueueSendOptions) {
		const result = await this.real.send(body, options);
		this.sent([body]);
		return result;
	}

	async sendBatch(messages: Iterable<MessageSendRequest<Body>>, options?: QueueSendBatchOptions) {
		const list = [...messages];
		const result = await this.real.sendBatch(list, options);
		this.sent(list.map((m) => m.body));
		return result;
	}

	private sent(bodies: Body[]) {
		counters.queue_sent += bodies.length;
		this.onSent(bodies);
	}
}
