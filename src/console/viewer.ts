/**
 * Who is looking at the console, in which language: every console request passes here first.
 * A session cookie names an identity, re-resolved on each request (a revoked or expired key, or
 * an address no longer listed, ends it); behind Cloudflare Access the assertion is verified on
 * each request and opens a session of its own for the forms' token.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { type Identity, identityById } from "../api/auth";
import type { Env } from "../env";
import type { LogVariables } from "../logs";
import { settingsOf } from "../settings";
import { ACCESS_HEADER, accessConfigured, isAccessId, verifyAccess } from "./access";
import { isLang, type Lang, langOfAcceptLanguage } from "./i18n";
import { endSession, readSession, type Session, sessionSecret, startSession } from "./session";

export interface Viewer {
	identity: Identity;
	session: Session;
}

export type ConsoleEnv = {
	Bindings: Env;
	Variables: {
		lang: Lang;
		viewer: Viewer | null;
		/** Set when the request's session was valid but its identity is gone (revoked, expired, unlisted). */
		sessionEnded: boolean;
	} & LogVariables;
};
export type ConsoleContext = Context<ConsoleEnv>;

/** Refused with a page of its own: the message is a dictionary word or a sentence. */
export class ConsoleRefusal extends Error {
	constructor(
		readonly status: 400 | 401 | 403 | 404 | 503,
		readonly title: "forbiddenTitle" | "notFoundTitle" | "noSecretTitle" | "errorTitle",
		message: string,
	) {
		super(message);
	}
}

const LANG_COOKIE = "console_lang";

/** `?lang=` switches and is remembered for a year; else the cookie; else Accept-Language. */
export const language: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
	const asked = c.req.query("lang");
	let lang: Lang;
	if (isLang(asked)) {
		lang = asked;
		setCookie(c, LANG_COOKIE, asked, { path: "/", sameSite: "Lax", maxAge: 365 * 86_400 });
	} else {
		const kept = getCookie(c, LANG_COOKIE);
		lang = isLang(kept) ? kept : langOfAcceptLanguage(c.req.header("accept-language"));
	}
	c.set("lang", lang);
	await next();
};

export const viewer: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
	c.set("sessionEnded", false);
	const assertion = c.req.header(ACCESS_HEADER);
	const current =
		accessConfigured(settingsOf(c.env)) && assertion ? await accessViewer(c, assertion) : await keyViewer(c);
	c.set("viewer", current);
	if (current) c.set("caller", current.identity.label);
	await next();
};

async function accessViewer(c: ConsoleContext, assertion: string): Promise<Viewer | null> {
	const verdict = await verifyAccess(c.env, assertion);
	if (!verdict.ok) throw new ConsoleRefusal(403, "forbiddenTitle", verdict.reason);
	if (!sessionSecret(c.env)) return null;
	const session = await readSession(c);
	if (session?.id === verdict.identity.id) return { identity: verdict.identity, session };
	return { identity: verdict.identity, session: await startSession(c, verdict.identity.id) };
}

async function keyViewer(c: ConsoleContext): Promise<Viewer | null> {
	const session = await readSession(c);
	if (!session) return null;
	// An Access session lives only while Access vouches for each request.
	const identity = isAccessId(session.id) ? null : await identityById(c.env, session.id);
	if (identity) return { identity, session };
	endSession(c);
	c.set("sessionEnded", true);
	return null;
}
