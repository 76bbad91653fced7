/**
 * POST /webhooks/qitech: bound the body, check the caller, verify the signature, parse and
 * classify the event, and hand it to its entity's ledger. A 200 means the event is durable.
 */
import { Hono } from "hono";
import { classify } from "../catalog/event";
import { sha256Hex } from "../digests";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { ledgerOf } from "../ledger/ledger-of";
import { log } from "../logger";
import type { LogVariables } from "../logs";
import type { Verdict } from "../model";
import { settingsOf } from "../settings";
import { checkAllowedIp } from "./allowed-ips";
import { readBody, refuseDeclaredOversize } from "./body";
import { keepReceipt, type Receipt } from "./receipts";
import { NOT_JSON } from "./signature/bindings";
import { signatureConfig } from "./signature/config";
import { type Verified, verifySignature } from "./signature/verify";

import { WEBHOOK_PATH } from "./webhook-path";

interface Trace {
	receipt: Receipt;
	verdict?: Verdict;
}

type IngressEnv = { Bindings: Env; Variables: { trace: Trace } & LogVariables };

export const ingress = new Hono<IngressEnv>();

ingress.use(WEBHOOK_PATH, async (c, next) => {
	const receipt: Receipt = {
		received_at: new Date().toISOString(),
		outcome: "rejected",
		body_size: Number(c.req.header("content-length") ?? 0),
		client_ip: c.req.header("cf-connecting-ip") ?? null,
	};
	c.set("trace", { receipt });
	await next();
	const { verdict } = c.get("trace");
	if (verdict) {
		Object.assign(receipt, {
			outcome: verdict.result,
			event_id: verdict.event_id,
			entity: verdict.entity,
			reason: null,
		});
	} else {
		receipt.reason = c.error instanceof ApiError ? c.error.code : "internal";
	}
	c.executionCtx.waitUntil(keepReceipt(c.env.HISTORY, receipt));
	c.set("logged", {
		outcome: receipt.outcome,
		reason: receipt.reason ?? null,
		entity: receipt.entity ?? null,
		event_id: receipt.event_id ?? null,
	});
});

ingress.post(WEBHOOK_PATH, async (c) => {
	const { receipt } = c.get("trace");
	refuseDeclaredOversize(c.req.raw);
	checkAllowedIp(settingsOf(c.env).QITECH_ALLOWED_IPS, receipt.client_ip ?? null);
	const body = await readBody(c.req.raw);
	receipt.body_size = body.byteLength;
	receipt.body_sha256 = await sha256Hex(body);

	const text = utf8(body);
	// Parsed once, for the claims that must equal the body and for the envelope alike.
	const json = parsedOnce(text);
	const url = new URL(c.req.url);
	const verified: Verified = await verifySignature(
		c.req.raw.headers,
		{ method: c.req.method, path: url.pathname, url: c.req.url, body, text, json },
		await signatureConfig(c.env),
	);
	receipt.signature_scheme = verified.scheme;

	const value = json();
	if (value === NOT_JSON) throw new ApiError("invalid_json", "the body is not valid JSON");
	const parsed = await classify(value, body);
	if (!parsed.ok) throw new ApiError("invalid_payload", "the body is not a QI Tech webhook envelope", parsed.issues);
	const { event } = parsed;

	let verdict: Verdict;
	try {
		const ledger = ledgerOf(c.env, event.entity);
		verdict = await ledger.record({
			...event,
			signature_scheme: verified.scheme,
			binding: verified.binding,
			received_at: receipt.received_at,
			payload: text,
		});
	} catch (err) {
		log("error", { message: "ledger unavailable", entity: event.entity, error: String(err) });
		throw new ApiError("unavailable", "the event could not be recorded; retry later", undefined, {
			"Retry-After": "1",
		});
	}
	c.get("trace").verdict = verdict;
	return c.json(verdict, 200);
});

/** The body as text; bytes that are not UTF-8 would be stored and forwarded as something else. */
function utf8(body: Uint8Array): string {
	try {
		return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
	} catch {
		throw new ApiError("invalid_json", "the body is not UTF-8 text");
	}
}

function parsedOnce(text: string): () => unknown {
	let value: unknown;
	let parsed = false;
	return () => {
		if (!parsed) {
			try {
				value = JSON.parse(text);
			} catch {
				value = NOT_JSON;
			}
			parsed = true;
		}
		return value;
	};
}
