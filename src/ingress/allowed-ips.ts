/** QI Tech publishes its source IPs; QITECH_ALLOWED_IPS pins them as defence in depth. */
import { ApiError } from "../errors";

/** `allowed` is QITECH_ALLOWED_IPS: empty allows every caller. */
export function checkAllowedIp(allowed: readonly string[], clientIp: string | null): void {
	if (allowed.length === 0) return;
	if (clientIp && allowed.some((entry) => matches(entry, clientIp))) return;
	throw new ApiError("forbidden_ip", "this address may not call the webhook route");
}

function matches(entry: string, ip: string): boolean {
	if (!entry.includes("/")) return entry === ip;
	const [base, bits] = entry.split("/");
	const a = ipv4(base);
	const b = ipv4(ip);
	const n = Number(bits);
	if (a === null || b === null || !Number.isInteger(n) || n < 0 || n > 32) return false;
	const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
	return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4(text: string): number | null {
	const parts = text.split(".").map(Number);
	if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
	return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}
