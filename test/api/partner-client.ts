/** Calls the partner API of the worker under test, with the dev keys of .dev.vars.example. */
import { exports } from "cloudflare:workers";
import { type EnvChanges, fetchWith } from "../support/worker";

export const BASE_URL = "https://receiver.test";
/** Listed in plaintext in PARTNER_API_KEYS. */
export const PARTNER_KEY = "dev-only-partner-key-1";
/** Listed only as `sha256:<hex>` in PARTNER_API_KEYS. */
export const HASHED_PARTNER_KEY = "dev-only-partner-key-2";
/** The first of ADMIN_API_KEYS; its label is `admin-1`. */
export const ADMIN_KEY = "dev-only-admin-key-1";

export interface LookupOptions {
	/** The bearer key; null sends no Authorization header. */
	key?: string | null;
	headers?: Record<string, string>;
	method?: string;
	/** Sent as JSON. */
	body?: unknown;
}

export function lookup(path: string, options: LookupOptions = {}): Promise<Response> {
	return exports.default.fetch(`${BASE_URL}${path}`, requestInit(options));
}

/** GETs a path that must answer 200 and returns its JSON. */
export async function lookupOk<T = Record<string, unknown>>(path: string, options: LookupOptions = {}): Promise<T> {
	const response = await lookup(path, options);
	if (response.status !== 200)
		throw new Error(`GET ${path}: expected 200, got ${response.status}: ${await response.text()}`);
	return response.json<T>();
}

/** Runs the worker with some settings changed: the same code and the same real bindings. */
export async function lookupWith(settings: EnvChanges, path: string, options: LookupOptions = {}): Promise<Response> {
	return fetchWith(settings, new Request(`${BASE_URL}${path}`, requestInit(options)));
}

/** A key made through the admin API (`POST /v1/api-keys`), a partner's unless told: its id and the key itself. */
export async function managedKey(fields: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
	const label = `key-${crypto.randomUUID().slice(0, 8)}`;
	const response = await lookup("/v1/api-keys", {
		key: ADMIN_KEY,
		method: "POST",
		body: { label, role: "partner", ...fields },
	});
	if (response.status !== 201) throw new Error(`POST /v1/api-keys: ${response.status}: ${await response.text()}`);
	return response.json();
}

export interface ErrorBody {
	error: { code: string; message: string; details?: unknown };
}

function requestInit({ key = PARTNER_KEY, headers = {}, method = "GET", body }: LookupOptions): RequestInit {
	const json: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
	const all = { ...json, ...headers };
	return {
		method,
		headers: key === null ? all : { authorization: `Bearer ${key}`, ...all },
		body: body === undefined ? undefined : JSON.stringify(body),
	};
}
