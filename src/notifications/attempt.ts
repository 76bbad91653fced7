/** One delivery attempt: POST a signed notification (notification-body.ts) and classify the answer. */
import { backoff } from "../backoff";
import { checkDestinationUrl } from "./destination-url";
import { signatureHeaders } from "./standard-webhooks";

export const ATTEMPT_TIMEOUT_MS = 10_000;
/** Queues accept delays up to 12 hours. */
const MAX_DELAY_SECONDS = 43_200;

export type AttemptResult =
	| { outcome: "delivered"; status: number }
	| { outcome: "retry"; status: number | null; error: string; retryAfterSeconds: number | null }
	| { outcome: "failed"; status: number | null; error: string };

/** `allowInsecureLocal` is ALLOW_INSECURE_DESTINATIONS: the URL is checked again at send time. */
export async function attempt(
	url: string,
	secret: string,
	webhookId: string,
	body: string,
	allowInsecureLocal: boolean,
): Promise<AttemptResult> {
	try {
		checkDestinationUrl(url, allowInsecureLocal);
	} catch (err) {
		return { outcome: "failed", status: null, error: `not sent: ${(err as Error).message}` };
	}
	const headers = { "content-type": "application/json", ...(await signatureHeaders(secret, webhookId, body)) };
	let response: Response;
	try {
		// A redirect is never followed: a 307 would re-post the signed body wherever it points.
		response = await fetch(url, {
			method: "POST",
			body,
			headers,
			redirect: "manual",
			signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
		});
	} catch (err) {
		const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
		return {
			outcome: "retry",
			status: null,
			error: timedOut ? "timed out after 10 s" : `network error: ${String(err)}`,
			retryAfterSeconds: null,
		};
	}
	await response.body?.cancel();
	const status = response.status;
	if (status >= 200 && status < 300) return { outcome: "delivered", status };
	if (status >= 300 && status < 400) {
		return { outcome: "failed", status, error: `HTTP ${status}: redirect${whereTo(response)} not followed` };
	}
	if (status === 408 || status === 429 || status >= 500) {
		return {
			outcome: "retry",
			status,
			error: `HTTP ${status}`,
			retryAfterSeconds: retryAfter(response.headers.get("retry-after")),
		};
	}
	return { outcome: "failed", status, error: `HTTP ${status}` };
}

function whereTo(response: Response): string {
	try {
		return ` to ${new URL(response.headers.get("location") ?? "").host}`;
	} catch {
		return "";
	}
}

function retryAfter(value: string | null): number | null {
	if (!value) return null;
	const seconds = /^\d+$/.test(value.trim()) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
	return Number.isFinite(seconds) ? Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(seconds))) : null;
}

/** Exponential backoff with equal jitter (src/backoff.ts), honouring the destination's Retry-After. */
export function retryDelaySeconds(attempts: number, baseSeconds: number, retryAfterSeconds: number | null): number {
	if (retryAfterSeconds !== null) return retryAfterSeconds;
	return Math.round(backoff(attempts, baseSeconds, MAX_DELAY_SECONDS));
}
