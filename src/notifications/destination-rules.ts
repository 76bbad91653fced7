/** Which events a destination wants, and which URLs a destination may have (no SSRF). */
import { ApiError } from "../errors";
import type { RecordedEvent } from "../model";

export interface Subscription {
	event_types: string[];
	kinds: string[] | null;
	include_stale: boolean;
}

export function wants(destination: Subscription, event: Pick<RecordedEvent, "type" | "kind" | "result">): boolean {
	// Quarantined and discarded events are not forwarded: they were never applied (released ones are).
	if (event.result === "quarantined" || event.result === "discarded") return false;
	if (event.result === "stale" && !destination.include_stale) return false;
	if (destination.kinds !== null && !destination.kinds.includes(event.kind)) return false;
	return destination.event_types.some((pattern) =>
		pattern.endsWith("*") ? event.type.startsWith(pattern.slice(0, -1)) : event.type === pattern,
	);
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);
const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata", "instance-data"]);

/**
 * https only, never to private, loopback, link-local or metadata addresses. With
 * ALLOW_INSECURE_DESTINATIONS, http(s)://localhost and 127.0.0.1 (any port) for local work.
 */
export function checkDestinationUrl(raw: string, allowInsecureLocal: boolean): URL {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw refused("is not a URL");
	}
	const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
	if (allowInsecureLocal && LOCAL_HOSTS.has(host) && (url.protocol === "http:" || url.protocol === "https:"))
		return url;
	if (url.protocol !== "https:") throw refused("must use https");
	if (url.username || url.password) throw refused("must not carry credentials");
	if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || METADATA_HOSTS.has(host)) {
		throw refused("points at a local or metadata host");
	}
	const v4 = ipv4Of(host);
	if (v4 && isPrivateV4(v4)) throw refused("points at a private, loopback, link-local or metadata address");
	if (host.includes(":") && isPrivateV6(host)) throw refused("points at a private, loopback or link-local address");
	return url;
}

function refused(why: string): ApiError {
	return new ApiError("invalid_request", `the destination URL ${why}`);
}

function ipv4Of(host: string): number[] | null {
	const parts = host.split(".");
	if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
	return parts.map(Number);
}

function isPrivateV4([a, b]: number[]): boolean {
	return (
		a === 0 ||
		a === 10 ||
		a === 127 ||
		(a === 100 && b >= 64 && b <= 127) ||
		(a === 169 && b === 254) ||
		(a === 172 && b >= 16 && b <= 31) ||
		(a === 192 && b === 168) ||
		(a === 198 && (b === 18 || b === 19)) ||
		a >= 224
	);
}

function isPrivateV6(host: string): boolean {
	if (host === "::" || host === "::1") return true;
	const mapped = /^::ffff:(.+)$/.exec(host);
	if (mapped) {
		const rest = mapped[1];
		const dotted = ipv4Of(rest);
		if (dotted) return isPrivateV4(dotted);
		const [hi, lo] = rest.split(":").map((h) => Number.parseInt(h, 16));
		return isPrivateV4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
	}
	const first = Number.parseInt(host.split(":")[0] || "0", 16);
	return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || host.startsWith("fd00:ec2");
}
