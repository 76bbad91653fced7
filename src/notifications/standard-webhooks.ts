/** Signs outbound notifications per the Standard Webhooks spec (webhook-id/-timestamp/-signature). */

const PREFIX = "whsec_";

export function newSecret(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(32));
	return PREFIX + btoa(String.fromCharCode(...bytes));
}

export function isSecret(value: string): boolean {
	if (!value.startsWith(PREFIX)) return false;
	try {
		return atob(value.slice(PREFIX.length)).length >= 16;
	} catch {
		return false;
	}
}

export async function signatureHeaders(secret: string, id: string, body: string, now = new Date()) {
	const timestamp = String(Math.floor(now.getTime() / 1000));
	const keyBytes = Uint8Array.from(atob(secret.slice(PREFIX.length)), (c) => c.charCodeAt(0));
	const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
	const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
	return {
		"webhook-id": id,
		"webhook-timestamp": timestamp,
		"webhook-signature": `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`,
	};
}
