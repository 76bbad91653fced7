/**
 * The receiver's settings, read from the environment once per configuration: one table of every
 * variable with its parser and default. A variable that does not parse is reported by name
 * (`problems`, shown by /readyz) and its default, or the closed choice, is used instead.
 */
import { z } from "zod";
import { businessDayMs, type CalendarOptions, DEFAULT_DAY_END, DEFAULT_DAY_START } from "./alerts/business-clock";
import { type AllowanceOverrides, allowanceOverridesSchemaFor } from "./catalog/allowances";
import { fromBase64url } from "./digests";
import { EXPORT_KINDS, type ExportKind } from "./storage/export-schema";

/** A comma-separated list; blanks dropped. */
const list = z.string().transform((text) =>
	text
		.split(",")
		.map((entry) => entry.trim())
		.filter((entry) => entry !== ""),
);
const flag = z
	.string()
	.trim()
	.toLowerCase()
	.pipe(z.enum(["true", "false"], { error: 'expected "true" or "false"' }))
	.transform((value) => value === "true");
const seconds = z.coerce.number({ error: "expected a number of seconds" }).finite().nonnegative();
const positiveSeconds = seconds.positive();
/** A PEM block; `\n` written literally (as secrets often are) is a newline. */
const pem = z
	.string()
	.transform((text) => text.replaceAll("\\n", "\n").replaceAll("\r", "").trim())
	.refine((text) => /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----$/.test(text), {
		error: "expected a PEM public key (-----BEGIN PUBLIC KEY----- …)",
	});
const text = z.string().trim();
const count = z.coerce.number({ error: "expected a whole number" }).int().nonnegative();
/** A base URL, without its trailing slash. */
const baseUrl = z
	.url({ protocol: /^https?$/, error: "expected an http(s) URL" })
	.transform((url) => url.replace(/\/+$/, ""));
const httpsUrl = z.url({ protocol: /^https$/, error: "expected an https URL" });

/** A host name, e.g. `myteam.cloudflareaccess.com`. */
const hostName = z
	.string()
	.trim()
	.toLowerCase()
	.regex(
		/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
		"expected a host name, e.g. myteam.cloudflareaccess.com",
	);
/** E-mail addresses or `*@domain` patterns, lowercased. */
const emailPatterns = list.pipe(
	z.array(
		z
			.string()
			.toLowerCase()
			.regex(/^(\*|[^@\s*]+)@[^@\s*]+\.[^@\s*]+$/, "expected e-mail addresses or *@domain patterns"),
	),
);
const sessionSecret = z.string().min(32, "at least 32 characters (e.g. openssl rand -hex 32)");

/** Business hours "HH:MM-HH:MM", São Paulo time. */
const businessHours = z.string().transform((hours, ctx): BusinessHours => {
	const match = /^\s*(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})\s*$/.exec(hours);
	if (!match) {
		ctx.addIssue({ code: "custom", message: 'expected "HH:MM-HH:MM", e.g. 09:00-18:00' });
		return z.NEVER;
	}
	const window = { dayStart: match[1], dayEnd: match[2] };
	try {
		businessDayMs(window);
	} catch (err) {
		ctx.addIssue({ code: "custom", message: (err as Error).message });
		return z.NEVER;
	}
	return window;
});
export interface BusinessHours {
	dayStart: string;
	dayEnd: string;
}

/** Keys of SECRETS_ENCRYPTION_KEYS: `<id>:<base64 of 32 bytes>`, the first one sealing (src/secrets.ts). */
export interface SealingKey {
	id: string;
	key: Uint8Array<ArrayBuffer>;
}
const sealingKeys = list.transform((entries, ctx): SealingKey[] =>
	entries.map((entry, i) => {
		const [, id, encoded] = /^([A-Za-z0-9_-]{1,16}):(.+)$/.exec(entry) ?? [];
		let key = new Uint8Array();
		try {
			key = fromBase64url(encoded ?? "");
		} catch {}
		if (!id || key.length !== 32) {
			ctx.addIssue({ code: "custom", message: `entry ${i + 1}: expected <id>:<base64 of 32 random bytes>` });
		}
		return { id: id ?? "", key };
	}),
);

/** The kinds of record exported every day: a list of EXPORT_KINDS, or `none`. */
const exportKinds = list.transform((entries, ctx): ExportKind[] => {
	if (entries.length === 1 && entries[0] === "none") return [];
	const unknown = entries.filter((e) => !(EXPORT_KINDS as readonly string[]).includes(e));
	if (unknown.length > 0) ctx.addIssue({ code: "custom", message: `expected ${EXPORT_KINDS.join(", ")} or none` });
	return entries as ExportKind[];
});

/**
 * A D1 database of the history's events besides HISTORY (storage/partitions.ts): it holds the
 * events received up to and including the month `through`, from the month after the previous one's.
 */
export interface HistoryPartition {
	binding: string;
	through: string;
}
/** Entries `BINDING=YYYY-MM`, months ascending; HISTORY holds every month after the last one. */
const historyPartitions = list.transform((entries, ctx): HistoryPartition[] =>
	entries.map((entry, i) => {
		const [, binding, through] = /^([A-Z][A-Z0-9_]*)=(\d{4}-(?:0[1-9]|1[0-2]))$/.exec(entry) ?? [];
		const previous = i > 0 ? /=(.*)$/.exec(entries[i - 1])?.[1] : undefined;
		if (!binding || binding === "HISTORY" || (previous !== undefined && through <= previous)) {
			ctx.addIssue({
				code: "custom",
				message: `entry ${i + 1}: expected BINDING=YYYY-MM (a D1 binding other than HISTORY), months ascending`,
			});
		}
		return { binding: binding ?? "", through: through ?? "" };
	}),
);

/** A key of PARTNER_API_KEYS or ADMIN_API_KEYS: in clear, or only its SHA-256 (`sha256:<hex>`). */
export type ConfiguredKey = { label: string; clear: string } | { label: string; digest: string };

/** Entries `[label=]key` or `[label=]sha256:<hex>`; unlabelled ones are `<role>-<position>`. Errors never quote a key. */
const apiKeys = (role: string) =>
	list.transform((entries, ctx): ConfiguredKey[] =>
		entries.map((entry, i) => {
			const labelled = /^([A-Za-z0-9_.-]{1,64})=([^=].*)$/.exec(entry);
			const label = labelled ? labelled[1] : `${role}-${i + 1}`;
			const value = labelled ? labelled[2] : entry;
			if (!/^sha256:/i.test(value)) return { label, clear: value };
			const digest = value.slice("sha256:".length).toLowerCase();
			if (!/^[0-9a-f]{64}$/.test(digest)) {
				ctx.addIssue({ code: "custom", message: `entry ${i + 1} (${label}): sha256: needs 64 hex digits` });
			}
			return { label, digest };
		}),
	);

/** The values of the settings listed before, for a schema that depends on them. */
type Earlier = Readonly<Record<string, unknown>>;

interface Setting<T> {
	schema: z.ZodType<T> | ((earlier: Earlier) => z.ZodType<T>);
	fallback: T;
}
const setting = <T>(schema: Setting<T>["schema"], fallback: T): Setting<T> => ({ schema, fallback });

/** The business-day clock these settings describe (src/alerts/business-clock.ts). */
export function calendarOf(settings: Earlier): CalendarOptions {
	const hours = settings.BUSINESS_HOURS as BusinessHours;
	return { ...hours, extraHolidays: settings.EXTRA_HOLIDAYS as string[] };
}

/** Every variable the receiver reads, its parser and its default. */
const TABLE = {
	QITECH_HMAC_KEYS: setting(list, []),
	QITECH_ES512_PUBLIC_KEY: setting<string | null>(pem, null),
	QITECH_API_CLIENT_KEY: setting<string | null>(text, null),
	SIGNATURE_MAX_AGE_SECONDS: setting(positiveSeconds, 300),
	REQUIRE_BODY_BINDING: setting(flag, true),
	MAX_FUTURE_SKEW_SECONDS: setting(seconds, 300),
	// An event sent to the Queue and not confirmed by the D1 history this long is sent again (ledger/outbox.ts).
	LEDGER_CONFIRM_AFTER_SECONDS: setting(positiveSeconds, 120),
	QITECH_ALLOWED_IPS: setting(list, []),
	PARTNER_API_KEYS: setting(apiKeys("partner"), []),
	ADMIN_API_KEYS: setting(apiKeys("admin"), []),
	LOOKUP_ALLOWED_ORIGINS: setting(list, []),
	LOOKUP_RATE_LIMIT_PERIOD_SECONDS: setting(positiveSeconds, 60),
	ALLOW_INSECURE_DESTINATIONS: setting(flag, false),
	DELIVERY_RETRY_BASE_SECONDS: setting(seconds, 5),
	DESTINATION_DISABLE_AFTER_SECONDS: setting(positiveSeconds, 86_400),
	SECRETS_ENCRYPTION_KEYS: setting(sealingKeys, []),
	// Days each kind of record is kept (src/storage/retention.ts); 0 keeps it forever.
	RECEIPTS_RETENTION_DAYS: setting(count, 90),
	DELIVERY_ATTEMPTS_RETENTION_DAYS: setting(count, 90),
	RESOLVED_ALERTS_RETENTION_DAYS: setting(count, 365),
	PAYLOADS_RETENTION_DAYS: setting(count, 0),
	// History at scale (README): payloads of at most this many UTF-8 bytes stay in their D1 row.
	PAYLOADS_INLINE_MAX_BYTES: setting(count, 0),
	EXPORT_KINDS: setting(exportKinds, [...EXPORT_KINDS]),
	HISTORY_PARTITIONS: setting(historyPartitions, []),
	BUSINESS_HOURS: setting(businessHours, { dayStart: DEFAULT_DAY_START, dayEnd: DEFAULT_DAY_END }),
	EXTRA_HOLIDAYS: setting(list.pipe(z.array(z.iso.date({ error: "expected dates YYYY-MM-DD" }))), []),
	// A day ("2d") is one window of BUSINESS_HOURS, listed above.
	STUCK_ALLOWANCES: setting<AllowanceOverrides>((earlier) => allowanceOverridesSchemaFor(calendarOf(earlier)), {}),
	ALERT_DESTINATION_FAILING_AFTER_SECONDS: setting(seconds, 900),
	ALERT_REJECTIONS_THRESHOLD: setting(count, 20),
	ALERT_SLACK_WEBHOOK_URL: setting<string | null>(httpsUrl, null),
	PUBLIC_URL: setting<string | null>(baseUrl, null),
	// The console (src/console): without a session secret nobody signs in.
	CONSOLE_SESSION_SECRET: setting<string | null>(sessionSecret, null),
	CONSOLE_SESSION_SECONDS: setting(positiveSeconds, 8 * 3600),
	ACCESS_TEAM_DOMAIN: setting<string | null>(hostName, null),
	ACCESS_AUD: setting<string | null>(text, null),
	CONSOLE_ADMIN_EMAILS: setting(emailPatterns, []),
	CONSOLE_READER_EMAILS: setting(emailPatterns, []),
};

export type SettingName = keyof typeof TABLE;
export const SETTING_NAMES = Object.keys(TABLE) as SettingName[];
export type SettingsEnv = { [K in SettingName]?: string };
type Values = { [K in SettingName]: (typeof TABLE)[K]["fallback"] };

export interface Problem {
	setting: SettingName;
	message: string;
}
export type Settings = Values & { problems: Problem[] };

const parsed = new WeakMap<object, Settings>();

/** The settings of this environment, parsed on first use. */
export function settingsOf(env: SettingsEnv): Settings {
	let settings = parsed.get(env);
	if (!settings) {
		settings = parseSettings(env);
		parsed.set(env, settings);
	}
	return settings;
}

export function parseSettings(env: SettingsEnv): Settings {
	const problems: Problem[] = [];
	const values: Record<string, unknown> = {};
	for (const [name, { schema, fallback }] of Object.entries(TABLE) as [SettingName, Setting<unknown>][]) {
		const raw = env[name];
		if (raw === undefined || raw.trim() === "") {
			values[name] = fallback;
			continue;
		}
		const result = (typeof schema === "function" ? schema(values) : schema).safeParse(raw);
		if (result.success) values[name] = result.data;
		else {
			values[name] = fallback;
			problems.push({ setting: name, message: result.error.issues.map((i) => i.message).join("; ") });
		}
	}
	return { ...(values as Values), problems };
}

/** Valid choices that weaken the receiver's defences: /readyz lists them as warnings. */
export function warningsOf(settings: Settings): Problem[] {
	const warnings: Problem[] = [];
	if (!settings.REQUIRE_BODY_BINDING) {
		warnings.push({
			setting: "REQUIRE_BODY_BINDING",
			message: "false: tokens that bind nothing about the body are accepted (dangerous: a seen token signs any body)",
		});
	}
	if (settings.SECRETS_ENCRYPTION_KEYS.length === 0) {
		warnings.push({
			setting: "SECRETS_ENCRYPTION_KEYS",
			message: "not set: destinations cannot be created, and their secrets cannot be read to sign deliveries",
		});
	}
	if (settings.ALLOW_INSECURE_DESTINATIONS) {
		warnings.push({
			setting: "ALLOW_INSECURE_DESTINATIONS",
			message: "true: destinations may be http(s)://localhost or 127.0.0.1 (local development only)",
		});
	}
	return warnings;
}
