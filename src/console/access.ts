/**
 * Cloudflare Access in front of the console: with ACCESS_TEAM_DOMAIN and ACCESS_AUD set, the
 * signed assertion Access adds to each request (`Cf-Access-Jwt-Assertion`) is verified against the
 * team's keys (https://<team>/cdn-cgi/access/certs), its audience and issuer, and its e-mail maps
 * to admin (CONSOLE_ADMIN_EMAILS) or read-only (CONSOLE_READER_EMAILS); anyone else is refused.
 */
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { Identity } from "../api/auth";
import type { Env } from "../env";
import { log } from "../logger";
import { type Settings, settingsOf } from "../settings";

export const ACCESS_HEADER = "cf-access-jwt-assertion";
const ACCESS_PREFIX = "access:";

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySetOf(team: string) {
	let keys = keySets.get(team);
	if (!keys) {
		keys = createRemoteJWKSet(new URL(`https://${team}/cdn-cgi/access/certs`));
		keySets.set(team, keys);
	}
	return keys;
}

export function accessConfigured(settings: Settings): boolean {
	return settings.ACCESS_TEAM_DOMAIN !== null && settings.ACCESS_AUD !== null;
}

export type AccessVerdict = { ok: true; identity: Identity } | { ok: false; reason: string };

/** The identity the assertion signs in, or why it is refused. */
export async function verifyAccess(env: Env, assertion: string): Promise<AccessVerdict> {
	const settings = settingsOf(env);
	const team = settings.ACCESS_TEAM_DOMAIN;
	const audience = settings.ACCESS_AUD;
	if (!team || !audience) return { ok: false, reason: "Cloudflare Access is not configured" };
	let email: unknown;
	try {
		const { payload } = await jwtVerify(assertion, keySetOf(team), { audience, issuer: `https://${team}` });
		email = payload.email;
	} catch (err) {
		log("warn", { message: "Access assertion refused", error: String(err) });
		return { ok: false, reason: "the Access assertion does not verify" };
	}
	if (typeof email !== "string") return { ok: false, reason: "the Access assertion names no e-mail" };
	const identity = accessIdentity(settings, email);
	return identity ? { ok: true, identity } : { ok: false, reason: `${email} may not use the console` };
}

export function isAccessId(id: string): boolean {
	return id.startsWith(ACCESS_PREFIX);
}

function accessIdentity(settings: Settings, address: string): Identity | null {
	const email = address.trim().toLowerCase();
	const role = matchesAny(settings.CONSOLE_ADMIN_EMAILS, email)
		? "admin"
		: matchesAny(settings.CONSOLE_READER_EMAILS, email)
			? "partner"
			: null;
	if (!role) return null;
	return { id: `${ACCESS_PREFIX}${email}`, label: email, role, kinds: null, payloads: true };
}

/** `*@domain` matches every address of that domain; anything else is one address. */
export function matchesAny(patterns: readonly string[], email: string): boolean {
	return patterns.some((pattern) => (pattern.startsWith("*@") ? email.endsWith(pattern.slice(1)) : pattern === email));
}
