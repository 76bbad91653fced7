/** Sends signed webhooks to the worker under test and reads back what it stored. */
import { env, exports } from "cloudflare:workers";
import {
	type ClaimShape,
	QitechSigner,
	type SignOptions,
	signingKeysOf,
	webCrypto,
} from "../../simulator/qitech/signer";
import { WEBHOOK_PATH } from "../../src/ingress/webhook-path";
import { ledgerOf as ledgerOfEnv } from "../../src/ledger/ledger-of";
import { type PayloadColumns, readPayload } from "../../src/storage/payloads";
import { readUntil } from "./poll";

export const WEBHOOK_URL = `https://receiver.test${WEBHOOK_PATH}`;

export const signer = new QitechSigner(signingKeysOf(env), webCrypto);

export interface DeliverOptions extends Partial<SignOptions> {
	headers?: Record<string, string>;
	shape?: ClaimShape;
}

export async function signedHeaders(body: string, options: DeliverOptions = {}): Promise<Record<string, string>> {
	return signer.headers(body, { scheme: "hs256", url: WEBHOOK_URL, ...options });
}

/** POSTs a body signed under `scheme` (HS256 unless told) and returns the response. */
export async function deliver(body: string, options: DeliverOptions = {}): Promise<Response> {
	return post(body, { ...(await signedHeaders(body, options)), ...options.headers });
}

/** POSTs a body with exactly these headers (plus a JSON content type). */
export function post(
	body: BodyInit | null,
	headers: Record<string, string> = {},
	url = WEBHOOK_URL,
): Promise<Response> {
	return exports.default.fetch(url, {
		method: "POST",
		body,
		headers: { "content-type": "application/json", ...headers },
	});
}

export interface Answer {
	result: "accepted" | "duplicate" | "stale";
	event_id: string;
	entity: string;
	status: string;
}

export async function deliverOk(body: string, options: DeliverOptions = {}): Promise<Answer> {
	const response = await deliver(body, options);
	if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${await response.text()}`);
	return response.json();
}

export function ledgerOf(entity: string) {
	return ledgerOfEnv(env, entity);
}

/** Waits until the queue consumer has written every one of these events to D1. */
export async function historyRows(eventIds: string[], timeoutMs = 15_000) {
	const placeholders = eventIds.map(() => "?").join(",");
	const read = async () =>
		(
			await env.HISTORY.prepare(`SELECT * FROM events WHERE event_id IN (${placeholders})`)
				.bind(...eventIds)
				.all<Record<string, string | null>>()
		).results;
	return readUntil(read, (rows) => rows.length >= eventIds.length, timeoutMs);
}

export async function entityRow(kind: string, key: string) {
	return env.HISTORY.prepare("SELECT * FROM entities WHERE kind = ? AND key = ?")
		.bind(kind, key)
		.first<{ status: string; version: number; related: string; anomalies: string }>();
}

/** The payload of a D1 events row, wherever it is (inline or packed in R2), as the API reads it. */
export function payloadOfRow(row: Record<string, string | number | null>): Promise<string | null> {
	return readPayload(env, row as unknown as PayloadColumns);
}
