/**
 * The console's session: a cookie signed with CONSOLE_SESSION_SECRET (HMAC-SHA256), HttpOnly,
 * SameSite=Strict, Secure except on http://localhost and http://127.0.0.1, holding the identity's
 * id (never the key), when the session ends and the token every form must carry back (CSRF).
 * Each request re-resolves the id, so a revoked or expired key ends its sessions.
 */
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { z } from "zod";
import { hex } from "../digests";
import type { Env } from "../env";
import { settingsOf } from "../settings";

export const SESSION_COOKIE = "console_session";

export interface Session {
	/** The identity's id: `env:<role>:<label>`, a D1 key's id, or `access:<e-mail>`. */
	id: string;
	/** Milliseconds since the epoch. */
	expires: number;
	csrf: string;
}

const sessionSchema = z.strictObject({ id: z.string().min(1).max(400), expires: z.number(), csrf: z.string().min(32) });

type WithEnv = { Bindings: Env };

/** Secure everywhere but plain-http local development, where a browser would drop a Secure cookie. */
export function isLocalHttp(url: URL): boolean {
	return url.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1");
}

export function sessionSecret(env: Env): string | null {
	return settingsOf(env).CONSOLE_SESSION_SECRET;
}

export async function startSession<E extends WithEnv>(c: Context<E>, id: string, now = Date.now()): Promise<Session> {
	const secret = sessionSecret(c.env);
	if (!secret) throw new Error("no CONSOLE_SESSION_SECRET");
	const seconds = settingsOf(c.env).CONSOLE_SESSION_SECONDS;
	const session: Session = {
		id,
		expires: now + seconds * 1000,
		csrf: hex(crypto.getRandomValues(new Uint8Array(32))),
	};
	await setSignedCookie(c, SESSION_COOKIE, JSON.stringify(session), secret, {
		path: "/",
		httpOnly: true,
		secure: !isLocalHttp(new URL(c.req.url)),
		sameSite: "Strict",
		maxAge: Math.floor(seconds),
	});
	return session;
}

/** The session the request carries: signed by our secret, well-formed and not expired; else null. */
export async function readSession<E extends WithEnv>(c: Context<E>, now = Date.now()): Promise<Session | null> {
	const secret = sessionSecret(c.env);
	if (!secret) return null;
	const value = await getSignedCookie(c, secret, SESSION_COOKIE);
	if (!value) return null;
	let parsed: unknown;
	try {
		parsed = JSON.parse(value);
	} catch {
		return null;
	}
	const session = sessionSchema.safeParse(parsed);
	return session.success && session.data.expires > now ? session.data : null;
}

export function endSession<E extends WithEnv>(c: Context<E>): void {
	deleteCookie(c, SESSION_COOKIE, { path: "/", secure: !isLocalHttp(new URL(c.req.url)) });
}
