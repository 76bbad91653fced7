/** The pieces every console page is made of: times, badges, notices, forms that act, pagers. */
import type { Child } from "hono/jsx";
import { CSRF_FIELD } from "./csrf";
import { type Dictionary, dictionaryOf, type Lang, type Notice, type Word } from "./i18n";
import { saoPauloShort, utcText } from "./time";
import type { ConsoleContext, Viewer } from "./viewer";

/** What a page is rendered for: the words, the viewer, the address. */
export interface View {
	lang: Lang;
	t: Dictionary;
	viewer: Viewer | null;
	url: URL;
}

export function viewOf(c: ConsoleContext): View {
	const lang = c.get("lang") ?? "en";
	return { lang, t: dictionaryOf(lang), viewer: c.get("viewer") ?? null, url: new URL(c.req.url) };
}

export function isAdmin(view: View): boolean {
	return view.viewer?.identity.role === "admin";
}

/** A word of the dictionary, or the text itself when it is not one. */
export function say(t: Dictionary, text: string): string {
	return Object.hasOwn(t, text) ? t[text as Word] : text;
}

/** UTC, and São Paulo's clock below it. */
export function When({ at, t }: { at: string | null | undefined; t: Dictionary }) {
	if (!at) return <span class="muted">—</span>;
	return (
		<>
			<time datetime={at}>{utcText(at)}</time>
			<span class="sp">
				{saoPauloShort(at)} {t.saoPaulo}
			</span>
		</>
	);
}

export function Badge({ of, text }: { of: string | null | undefined; text?: string }) {
	if (!of) return <span class="muted">—</span>;
	return <span class={`badge b-${of.replace(/[^a-z_]/g, "")}`}>{text ?? of}</span>;
}

export function CsrfField({ view }: { view: View }) {
	return <input type="hidden" name={CSRF_FIELD} value={view.viewer?.session.csrf ?? ""} />;
}

/** A form that changes something: POST, its CSRF token, and a confirmation when asked. */
export function ActionForm(props: {
	view: View;
	action: string;
	confirm?: string;
	label: string;
	danger?: boolean;
	secondary?: boolean;
	children?: Child;
}) {
	const cls = props.danger ? "danger" : props.secondary ? "secondary" : undefined;
	return (
		<form class="inline" method="post" action={props.action} data-confirm={props.confirm}>
			<CsrfField view={props.view} />
			{props.children}
			<button type="submit" class={cls}>
				{props.label}
			</button>
		</form>
	);
}

/** Deliver an event again, to one destination or (without `destinationId`) to every one it is owed to. */
export function RedeliverForm(props: {
	view: View;
	eventId: string;
	destinationId?: string;
	returnTo: string;
	label?: string;
}) {
	const { t } = props.view;
	return (
		<ActionForm
			view={props.view}
			action={`/console/events/${props.eventId}/redeliver`}
			label={props.label ?? t.redeliver}
			confirm={t.redeliverConfirm}
			secondary
		>
			{props.destinationId ? <input type="hidden" name="destination_id" value={props.destinationId} /> : null}
			<input type="hidden" name="return_to" value={props.returnTo} />
		</ActionForm>
	);
}

/** A notice after an action: `?notice=replayed&n=3`. */
export function NoticeOf({ view }: { view: View }) {
	const notice = view.url.searchParams.get("notice");
	const word = `notice_${notice}` as `notice_${Notice}`;
	if (!notice || !Object.hasOwn(view.t, word)) return null;
	const n = view.url.searchParams.get("n");
	return (
		<p class="notice" role="status">
			{view.t[word]}
			{n !== null && /^\d+$/.test(n) ? `: ${n} ${view.t.deliveriesQueued}` : ""}
		</p>
	);
}

/** Links to the first page and the next one, the filters kept. */
export function Pager({ view, next }: { view: View; next: string | null }) {
	const here = new URL(view.url);
	const hadCursor = here.searchParams.has("cursor");
	here.searchParams.delete("notice");
	here.searchParams.delete("n");
	const first = new URL(here);
	first.searchParams.delete("cursor");
	const following = new URL(here);
	if (next) following.searchParams.set("cursor", next);
	if (!hadCursor && !next) return null;
	return (
		<nav class="pager" aria-label="pages">
			{hadCursor ? <a href={`${first.pathname}${first.search}`}>{view.t.first}</a> : null}
			{next ? (
				<a href={`${following.pathname}${following.search}`} rel="next">
					{view.t.next}
				</a>
			) : null}
		</nav>
	);
}

/** A select of `values`, "any" first, the current value chosen. */
export function Choice(props: { name: string; label: string; values: readonly string[]; value?: string; any: string }) {
	return (
		<label>
			{props.label}
			<select name={props.name}>
				<option value="">{props.any}</option>
				{props.values.map((v) => (
					<option value={v} selected={v === props.value}>
						{v}
					</option>
				))}
			</select>
		</label>
	);
}

export function entityPath(kind: string, key: string): string {
	return `/console/entities/${encodeURIComponent(kind)}/${encodeURIComponent(key)}`;
}

/** `name`: the entity's key (a JSX `key` is React's, not a prop). */
export function EntityLink({ kind, name }: { kind: string; name: string }) {
	return (
		<a href={entityPath(kind, name)}>
			<span class="muted">{kind}:</span>
			<span class="mono">{name}</span>
		</a>
	);
}

/** A titled section of a page; when `empty` is given, it stands in for the children. */
export function Panel(props: { id: string; title: string; empty?: string | false; children?: Child }) {
	return (
		<section class="panel" aria-labelledby={`h-${props.id}`}>
			<h2 id={`h-${props.id}`}>{props.title}</h2>
			{props.empty ? <p class="muted">{props.empty}</p> : props.children}
		</section>
	);
}

/**
 * A table that scrolls sideways on narrow screens: its column names (`numeric`: right-aligned),
 * then its rows; `stack` lays each row out as a card on phones (cells carry `data-label`).
 */
export function Table(props: { head: string[]; numeric?: number[]; stack?: boolean; children?: Child }) {
	return (
		<div class="table-wrap">
			<table class={props.stack ? "stack" : undefined}>
				<thead>
					<tr>
						{props.head.map((name, i) => (
							<th scope="col" class={props.numeric?.includes(i) ? "num" : undefined}>
								{name}
							</th>
						))}
					</tr>
				</thead>
				<tbody>{props.children}</tbody>
			</table>
		</div>
	);
}
