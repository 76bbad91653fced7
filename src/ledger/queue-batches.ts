/** Turns outbox entries into Queue batches that respect the Queue's size limits. */
import type { EntityState, EventNotification } from "../model";
import type { OutboxEntry } from "./tables";

/**
 * Queue limits: 128 KB a message, 256 KB and 100 messages a batch. A message carries its payload
 * only while the whole message stays under MESSAGE_MAX_BYTES, whatever the record and the entity
 * hold (bounded fields, at most MAX_ANOMALIES kept); a larger one travels by reference.
 */
const MESSAGE_MAX_BYTES = 110_000;
const BATCH_MAX_BYTES = 200_000;
const BATCH_MAX_MESSAGES = 100;

export interface OutboxBatch {
	seqs: number[];
	messages: MessageSendRequest<EventNotification>[];
}

export function notificationsOf(entries: OutboxEntry[], entity: EntityState | null): OutboxBatch[] {
	const batches: OutboxBatch[] = [];
	let current: OutboxBatch = { seqs: [], messages: [] };
	let bytes = 0;
	const entityBytes = serialisedSize(JSON.stringify(entity));
	for (const { seq, record, payload } of entries) {
		const recordBytes = entityBytes + serialisedSize(JSON.stringify(record));
		const payloadBytes = serialisedSize(payload);
		const inline = recordBytes + payloadBytes <= MESSAGE_MAX_BYTES;
		const messageBytes = recordBytes + (inline ? payloadBytes : 0);
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

/**
 * An upper bound of a string's size in a Queue message: its UTF-8 length (measured locally, a
 * message of 64,000 `ç` is refused where 127,000 `c` pass; a character past U+07FF takes 3 bytes).
 */
function serialisedSize(text: string): number {
	let bytes = text.length;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code >= 0x80) bytes += code < 0x800 || (code >= 0xd800 && code < 0xe000) ? 1 : 2;
	}
	return bytes;
}
