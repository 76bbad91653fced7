/**
 * The page around every console page (and /docs): landmarks, the sections a viewer may open, who
 * is signed in, the language switch, the stylesheet and script served by the worker.
 */
import type { Child } from "hono/jsx";
import { SCRIPT_URL, STYLESHEET_URL } from "./assets/assets";
import { ActionForm, isAdmin, NoticeOf, type View } from "./components";
import { LANGS, type Word } from "./i18n";

export type Section = "overview" | "events" | "deliveries" | "destinations" | "receipts" | "alerts" | "docs";

interface SectionLink {
	id: Section;
	href: string;
	/** Who sees it: admins only, viewers reading every kind, or anyone signed in. */
	for: "admin" | "every-kind" | "anyone";
}

const SECTIONS: SectionLink[] = [
	{ id: "overview", href: "/console", for: "anyone" },
	{ id: "events", href: "/console/events", for: "anyone" },
	{ id: "deliveries", href: "/console/deliveries", for: "admin" },
	{ id: "destinations", href: "/console/destinations", for: "admin" },
	{ id: "receipts", href: "/console/receipts", for: "every-kind" },
	{ id: "alerts", href: "/console/alerts", for: "admin" },
	{ id: "docs", href: "/docs", for: "anyone" },
];

function sectionsFor(view: View): SectionLink[] {
	const identity = view.viewer?.identity;
	if (!identity) return SECTIONS.filter((s) => s.id === "docs");
	return SECTIONS.filter((s) => s.for === "anyone" || (s.for === "admin" ? isAdmin(view) : identity.kinds === null));
}

export function Page(props: { view: View; title: string; section?: Section; children: Child }) {
	const { view } = props;
	const { t } = view;
	return (
		<html lang={view.lang}>
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<meta name="referrer" content="same-origin" />
				<title>{`${props.title} · ${t.appName}`}</title>
				<link rel="icon" href="data:," />
				<link rel="stylesheet" href={STYLESHEET_URL} />
				<script src={SCRIPT_URL} defer />
			</head>
			<body>
				<a class="skip" href="#main">
					{t.skip}
				</a>
				<header class="top">
					<div class="top-inner">
						<a class="brand" href="/console">
							{t.appName}
						</a>
						<nav class="sections" aria-label={t.nav}>
							<ul>
								{sectionsFor(view).map((s) => (
									<li>
										<a href={s.href} aria-current={s.id === props.section ? "page" : undefined}>
											{t[s.id as Word]}
										</a>
									</li>
								))}
							</ul>
						</nav>
						<Who view={view} />
					</div>
				</header>
				<main id="main">
					<NoticeOf view={view} />
					{props.children}
				</main>
				<footer class="bottom">{t.timesNote}</footer>
			</body>
		</html>
	);
}

function Who({ view }: { view: View }) {
	const { t, viewer } = view;
	const here = new URL(view.url);
	here.searchParams.delete("notice");
	here.searchParams.delete("n");
	const switchTo = (lang: string) => {
		const target = new URL(here);
		target.searchParams.set("lang", lang);
		return `${target.pathname}${target.search}`;
	};
	return (
		<div class="who">
			{viewer ? (
				<span>
					<span class="visually-hidden">{t.signedInAs} </span>
					<strong>{viewer.identity.label}</strong> ({viewer.identity.role === "admin" ? t.admin : t.reader})
				</span>
			) : null}
			<nav class="langs" aria-label={t.language}>
				{LANGS.map((lang) => (
					<a href={switchTo(lang)} hreflang={lang} lang={lang} aria-current={lang === view.lang ? "true" : undefined}>
						{lang === "en" ? "EN" : "PT-BR"}
					</a>
				))}
			</nav>
			{viewer ? <ActionForm view={view} action="/console/sign-out" label={t.signOut} secondary /> : null}
		</div>
	);
}

/** A page that only says something: errors, refusals. */
export function MessagePage(props: { view: View; title: string; message: string; status?: number }) {
	return (
		<Page view={props.view} title={props.title}>
			<h1>{props.title}</h1>
			<p class="notice error" role="alert">
				{props.message}
			</p>
			<p>
				<a href="/console">{props.view.t.back}</a>
			</p>
		</Page>
	);
}
