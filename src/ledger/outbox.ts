/** Turns outbox entries into Queue batches that respect the Queue's size limits. */
import type { EntityState, EventNotification } from "../model";
import type { OutboxEntry } from "./tables";

/** Queue limits: 128 KB a message, 256 KB and 100 messages a batch. We stay below with room. */
const INLINE_PAYLOAD_MAX_BYTES = 96_000;
const BATCH_MAX_BYTES = 200_000;
const BATCH_MAX_MESSAGES = 100;
const ENVELOPE_BYTES = 2_000;

export interface OutboxBatch {
	seqs: number[];
	messages: MessageSendRequest<EventNotification>[];
}

export function notificationsOf(entries: OutboxEntry[], entity: EntityState): OutboxBatch[] {
	const batches: OutboxBatch[] = [];
	let current: OutboxBatch = { seqs: [], messages: [] };
	let bytes = 0;
	for (const { seq, record, payload } of entries) {
		const size = serialisedSize(payload);
		const inline = size <= INLINE_PAYLOAD_MAX_BYTES;
		const messageBytes = ENVELOPE_BYTES + (inline ? size : 0);
		if (current.messages.length === BATCH_MAX_MESSAGES || bytes + messageBytes > BATCH_MAX_BYTES) {
			batches.push(current);
			current = { seqs: [], messages: [] };
			bytes = 0;
		}
		current.seqs.push(seq);
		current.messages.push({ body: { event: record, payload: inline ? payload : null, entity } });
		bytes += messageBytes;
	}
	if (current.messages.length > 0) batches.push(current);
	return batches;
}

/** Queue messages are V8-serialised: a string with any character past Latin-1 takes 2 bytes a char. */
function serialisedSize(text: string): number {
	return /[\u0100-\uffff]/.test(text) ? text.length * 2 : text.length;
}
